import { Module } from '@nestjs/common';
import { EmailModule } from '../email/email.module.js';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { UsersModule } from '../users/users.module.js';
import { DayRollupsRepository } from './day-rollups.repository.js';
import { ReportDeliveries } from './report-deliveries.job.js';
import { ReportSubscriptionsController } from './report-subscriptions.controller.js';
import { ReportSubscriptionsRepository } from './report-subscriptions.repository.js';
import { ReportSubscriptionsService } from './report-subscriptions.service.js';
import { ReportRollups } from './report-rollups.job.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';
import { RollupsRepository } from './rollups.repository.js';

/** The reports: hourly rollups kept by a periodic job, the report endpoints that read them, and reports emailed on a schedule. A read model: it reads every room's tables and writes only its own. */
@Module({
  imports: [SchedulerModule, SettingsModule, UsersModule, EmailModule],
  controllers: [ReportSubscriptionsController, ReportsController],
  providers: [RollupsRepository, DayRollupsRepository, ReportRollups, ReportsRepository, ReportsService, ReportSubscriptionsRepository, ReportSubscriptionsService, ReportDeliveries],
  exports: [ReportRollups, ReportDeliveries],
})
export class ReportsModule {}
