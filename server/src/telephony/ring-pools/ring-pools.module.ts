import { Module } from '@nestjs/common';
import { SettingsModule } from '../../settings/settings.module.js';
import { RingPoolsController } from './ring-pools.controller.js';
import { RingPoolsRepository, TypeormRingPoolsRepository } from './ring-pools.repository.js';
import { RingPoolsService } from './ring-pools.service.js';

/** Ring pools of caller-ID numbers: choice of caller ID, daily caps, answer-rate quarantine. */
@Module({
  imports: [SettingsModule],
  controllers: [RingPoolsController],
  providers: [RingPoolsService, { provide: RingPoolsRepository, useClass: TypeormRingPoolsRepository }],
  exports: [RingPoolsService],
})
export class RingPoolsModule {}
