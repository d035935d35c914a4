import { Module } from '@nestjs/common';
import { ActionGroupsRepositoryModule } from '../action-groups/action-groups.repository.js';
import { CallbacksModule } from '../callbacks/callbacks.module.js';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { DialIntakeModule } from '../dialer/dial-intake.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SchedulesRepositoryModule } from '../schedules/schedules.repository.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { DispositionsController } from './dispositions.controller.js';
import { DispositionsService } from './dispositions.service.js';

/** Disposition catalogues and setting dispositions on conversations, with their effects. */
@Module({
  imports: [ComplianceModule, CallbacksModule, RealtimeModule, TelephonyModule, DialIntakeModule, SchedulesRepositoryModule, ActionGroupsRepositoryModule],
  controllers: [DispositionsController],
  providers: [DispositionsService],
  exports: [DispositionsService],
})
export class DispositionsModule {}
