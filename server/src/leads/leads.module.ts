import { Module } from '@nestjs/common';
import { SettingsModule } from '../settings/settings.module.js';
import { UsersModule } from '../users/users.module.js';
import { CustomFieldsController, LeadsController } from './leads.controller.js';
import { LeadsRepository, TypeormLeadsRepository } from './leads.repository.js';
import { LeadsService } from './leads.service.js';

@Module({
  imports: [UsersModule, SettingsModule],
  controllers: [LeadsController, CustomFieldsController],
  providers: [LeadsService, { provide: LeadsRepository, useClass: TypeormLeadsRepository }],
  exports: [LeadsService, LeadsRepository],
})
export class LeadsModule {}
