import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { DialerModule } from '../dialer/dialer.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { FiguresRepository } from './figures.repository.js';
import { DialFigures } from './dial-figures.js';
import { QueueFiguresController } from './queue-figures.controller.js';
import { QueueFiguresService } from './queue-figures.service.js';
import { QueueStatsPush } from './queue-stats.push.js';
import { ScheduleReportRepository } from './schedule-report.repository.js';
import { ScheduleReports, ScheduleReportsController } from './schedule-report.js';
import { SchedulesModule } from '../schedules/schedules.module.js';

/** Read models for supervisors: a queue's live figures, its charts and abandon rate, and their pushes to the watching sockets. */
@Module({
  imports: [DialerModule, AgentsModule, SettingsModule, TelephonyModule, RealtimeModule, SchedulesModule],
  controllers: [QueueFiguresController, ScheduleReportsController],
  providers: [DialFigures, FiguresRepository, QueueFiguresService, QueueStatsPush, ScheduleReportRepository, ScheduleReports],
})
export class SupervisionModule {}
