import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { UsersModule } from '../users/users.module.js';
import { RepliesController } from './replies.controller.js';
import { RepliesRepository, TypeormRepliesRepository } from './replies.repository.js';
import { RepliesService } from './replies.service.js';
import { ReplyWorkSource } from './reply-work-source.js';

/** Replies as work: what leads write (texts, emails) offered to whom it is for until answered or dismissed, and the overdue list. */
@Module({
  imports: [LeadsModule, UsersModule, RealtimeModule, TelephonyModule, SchedulesModule],
  controllers: [RepliesController],
  providers: [RepliesService, ReplyWorkSource, { provide: RepliesRepository, useClass: TypeormRepliesRepository }],
  exports: [RepliesService],
})
export class RepliesModule {}
