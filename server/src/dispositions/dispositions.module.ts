import { Module } from '@nestjs/common';
import { ActionGroupsModule } from '../action-groups/action-groups.module.js';
import { CallbacksModule } from '../callbacks/callbacks.module.js';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { DialIntakeModule } from '../dialer/dial-intake.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { DispositionsController } from './dispositions.controller.js';
import { DispositionsService } from './dispositions.service.js';

/** Disposition catalogues and setting dispositions on conversations, with their effects. */
@Module({
  imports: [ComplianceModule, CallbacksModule, RealtimeModule, TelephonyModule, DialIntakeModule, SchedulesModule, ActionGroupsModule],
  controllers: [DispositionsController],
  providers: [DispositionsService],
  exports: [DispositionsService],
})
export class DispositionsModule {}
