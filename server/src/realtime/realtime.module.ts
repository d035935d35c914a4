import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CallbacksModule } from '../callbacks/callbacks.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { UsersModule } from '../users/users.module.js';
import { AgentStatesService } from './agent-states.service.js';
import { AgentsController } from './agents.controller.js';
import { InboxService } from './inbox.service.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeHub, WorkPush } from './work-push.service.js';

/** Socket.IO push to the softphone, agent states and liveness, the work inbox. */
@Module({
  imports: [AuthModule, UsersModule, SettingsModule, CallbacksModule],
  controllers: [AgentsController],
  providers: [RealtimeHub, AgentStatesService, InboxService, WorkPush, RealtimeGateway],
  exports: [AgentStatesService, WorkPush, RealtimeHub],
})
export class RealtimeModule {}
