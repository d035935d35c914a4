import { Module } from '@nestjs/common';
import { ActionGroupsModule } from '../action-groups/action-groups.module.js';
import { ActionGroupsRepositoryModule } from '../action-groups/action-groups.repository.js';
import { AgentsModule } from '../agents/agents.module.js';
import { CallbacksModule } from '../callbacks/callbacks.module.js';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { DialIntakeModule } from '../dialer/dial-intake.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SchedulesRepositoryModule } from '../schedules/schedules.repository.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { DispositionsController } from './dispositions.controller.js';
import { DispositionsRepository } from './dispositions.repository.js';
import { DispositionsService } from './dispositions.service.js';
import { DispositionGroupUses } from './group-uses.js';

/** Disposition catalogues and setting dispositions on conversations, with their effects. */
@Module({
  imports: [ComplianceModule, CallbacksModule, RealtimeModule, AgentsModule, ActionGroupsModule, TelephonyModule, DialIntakeModule, SchedulesRepositoryModule, ActionGroupsRepositoryModule],
  controllers: [DispositionsController],
  providers: [DispositionsService, DispositionsRepository, DispositionGroupUses],
  exports: [DispositionsService],
})
export class DispositionsModule {}
