import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { UsersModule } from '../users/users.module.js';
import { InboxController } from './inbox.controller.js';
import { InboxService } from './inbox.service.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeHub, WorkPush } from './work-push.service.js';
import { WorkSources } from './work-sources.js';

/** Socket.IO push to the softphone, at-least-once offers and acks, the work inbox. */
@Module({
  imports: [AuthModule, UsersModule, AgentsModule],
  controllers: [InboxController],
  providers: [RealtimeHub, WorkSources, InboxService, WorkPush, RealtimeGateway],
  exports: [WorkPush, RealtimeHub, WorkSources],
})
export class RealtimeModule {}
