import { Module } from '@nestjs/common';
import { LeadsModule } from '../leads/leads.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { CallingRulesService } from './calling-rules.service.js';
import { BlocksController, ComplianceSettingsController, EligibilityController, OptOutsController } from './compliance.controller.js';
import { ComplianceRepository, TypeormComplianceRepository } from './compliance.repository.js';
import { ComplianceService } from './compliance.service.js';
import { ContactPolicy } from './contact-policy.js';
import { OptOutsService } from './opt-outs.service.js';

@Module({
  imports: [LeadsModule, SettingsModule],
  controllers: [OptOutsController, BlocksController, EligibilityController, ComplianceSettingsController],
  providers: [
    OptOutsService,
    ContactPolicy,
    CallingRulesService,
    ComplianceService,
    { provide: ComplianceRepository, useClass: TypeormComplianceRepository },
  ],
  exports: [ContactPolicy, OptOutsService, ComplianceService, CallingRulesService],
})
export class ComplianceModule {}
