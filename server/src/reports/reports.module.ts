import { Module } from '@nestjs/common';
import { SchedulerModule } from '../scheduler/scheduler.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { DayRollupsRepository } from './day-rollups.repository.js';
import { ReportRollups } from './report-rollups.job.js';
import { ReportsController } from './reports.controller.js';
import { ReportsRepository } from './reports.repository.js';
import { ReportsService } from './reports.service.js';
import { RollupsRepository } from './rollups.repository.js';

/** The reports: hourly rollups kept by a periodic job, and the report endpoints that read them. A read model: it reads every room's tables and writes only its own. */
@Module({
  imports: [SchedulerModule, SettingsModule],
  controllers: [ReportsController],
  providers: [RollupsRepository, DayRollupsRepository, ReportRollups, ReportsRepository, ReportsService],
  exports: [ReportRollups],
})
export class ReportsModule {}
