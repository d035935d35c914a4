import { Module } from '@nestjs/common';
import { SettingsController } from './settings.controller.js';
import { SettingsRepository, TypeormSettingsRepository } from './settings.repository.js';
import { SettingsService } from './settings.service.js';

@Module({
  controllers: [SettingsController],
  providers: [SettingsService, { provide: SettingsRepository, useClass: TypeormSettingsRepository }],
  exports: [SettingsService],
})
export class SettingsModule {}
