import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module.js';
import { UsersModule } from '../users/users.module.js';
import { LeadImportController } from './import/lead-import.controller.js';
import { LeadImportRepository, TypeormLeadImportRepository } from './import/lead-import.repository.js';
import { LeadImportRunner } from './import/lead-import.runner.js';
import { LeadImportService } from './import/lead-import.service.js';
import { CustomFieldsController, LeadsController } from './leads.controller.js';
import { LeadsRepository, TypeormLeadsRepository } from './leads.repository.js';
import { LeadsService } from './leads.service.js';

@Module({
  imports: [UsersModule, SettingsModule],
  controllers: [LeadsController, CustomFieldsController, LeadImportController],
  providers: [
    LeadsService,
    { provide: LeadsRepository, useClass: TypeormLeadsRepository },
    LeadImportService,
    LeadImportRunner,
    { provide: LeadImportRepository, useClass: TypeormLeadImportRepository },
  ],
  exports: [LeadsService, LeadsRepository, LeadImportRepository],
})
export class LeadsModule {}
