import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { AuthModule } from '../auth/auth.module.js';
import { UsersModule } from '../users/users.module.js';
import { Admission } from './admission.js';
import { ConnectBatches } from './connect-batches.js';
import { InboxController } from './inbox.controller.js';
import { InboxService } from './inbox.service.js';
import { RealtimeGateway } from './realtime.gateway.js';
import { RealtimeHub, WorkPush } from './work-push.service.js';
import { WorkDeliveriesRepository } from './work-deliveries.repository.js';
import { WorkSources } from './work-sources.js';

/** Socket.IO push to the softphone, at-least-once offers and acks, the work inbox. */
@Module({
  imports: [AuthModule, UsersModule, AgentsModule],
  controllers: [InboxController],
  providers: [RealtimeHub, Admission, WorkSources, InboxService, WorkDeliveriesRepository, WorkPush, ConnectBatches, RealtimeGateway],
  exports: [WorkPush, RealtimeHub, WorkSources],
})
export class RealtimeModule {}
