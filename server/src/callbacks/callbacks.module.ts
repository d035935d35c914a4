import { Module } from '@nestjs/common';
import { AgentsModule } from '../agents/agents.module.js';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { UsersModule } from '../users/users.module.js';
import { CallbackWorkSource } from './callback-work-source.js';
import { CallbacksController } from './callbacks.controller.js';
import { CallbacksRepository, TypeormCallbacksRepository } from './callbacks.repository.js';
import { CallbacksService } from './callbacks.service.js';

/** Scheduled callbacks: booking, the due-time gate check, escalation and the overdue list. */
@Module({
  imports: [LeadsModule, ComplianceModule, SettingsModule, UsersModule, AgentsModule, RealtimeModule],
  controllers: [CallbacksController],
  providers: [CallbacksService, CallbackWorkSource, { provide: CallbacksRepository, useClass: TypeormCallbacksRepository }],
  exports: [CallbacksService, CallbacksRepository],
})
export class CallbacksModule {}
