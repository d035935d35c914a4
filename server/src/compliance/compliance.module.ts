import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module.js';
import { CallingRulesService } from './calling-rules.service.js';
import { BlocksController, ComplianceSettingsController, ConsentReviewsController, EligibilityController, OptOutsController } from './compliance.controller.js';
import { ComplianceRepository, TypeormComplianceRepository } from './compliance.repository.js';
import { ComplianceService } from './compliance.service.js';
import { ConsentAudit } from './consent-audit.js';
import { ConsentReviewsService } from './consent-reviews.service.js';
import { ConsentRulesService } from './consent-rules.service.js';
import { ContactPolicy } from './contact-policy.js';
import { DncController } from './dnc.controller.js';
import { DncRepository, TypeormDncRepository } from './dnc.repository.js';
import { DncService } from './dnc.service.js';
import { OptOutsService } from './opt-outs.service.js';

@Module({
  imports: [SettingsModule],
  controllers: [OptOutsController, ConsentReviewsController, BlocksController, DncController, EligibilityController, ComplianceSettingsController],
  providers: [
    OptOutsService,
    ConsentRulesService,
    ConsentReviewsService,
    ContactPolicy,
    CallingRulesService,
    ComplianceService,
    ConsentAudit,
    DncService,
    { provide: DncRepository, useClass: TypeormDncRepository },
    { provide: ComplianceRepository, useClass: TypeormComplianceRepository },
  ],
  exports: [ComplianceRepository, ContactPolicy, OptOutsService, ComplianceService, CallingRulesService, ConsentRulesService, ConsentReviewsService, DncService],
})
export class ComplianceModule {}
