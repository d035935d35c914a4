import { Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { JobsController } from './jobs.controller.js';
import { JobsRepository, TypeormJobsRepository } from './jobs.repository.js';
import { SchedulerService } from './scheduler.service.js';
import { JobWakeups } from './wakeups.js';

/** The durable scheduler, available everywhere: features register their queues' handlers with it. */
@Global()
@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [JobsController],
  providers: [SchedulerService, JobWakeups, { provide: JobsRepository, useClass: TypeormJobsRepository }],
  exports: [SchedulerService],
})
export class SchedulerModule {}
