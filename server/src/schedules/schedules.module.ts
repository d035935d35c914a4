import { Module } from '@nestjs/common';
import { AUTOMATION_ACTION_TYPES, INTEGRATION_ACTION_TYPES, SCHEDULE_ACTION_TYPES } from '#shared';
import { CallbacksModule } from '../callbacks/callbacks.module.js';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { EmailModule } from '../email/email.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { RealtimeModule } from '../realtime/realtime.module.js';
import { SettingsModule } from '../settings/settings.module.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { UsersModule } from '../users/users.module.js';
import type { ActionHandler } from './actions/action-handler.js';
import { ActionRegistry } from './actions/action-registry.js';
import { ActionWorkSource } from './action-work-source.js';
import { DialAction, EmailAction, MergeContexts, SmsAction } from './actions/contact-actions.js';
import { AddToScheduleAction, BlockAction, CallbackAction, ChoiceAction, ModifyLeadAction, OptOutAction, RestartScheduleAction, TaskAction, WaitAction } from './actions/flow-actions.js';
import { EnrollmentsService } from './enrollments.service.js';
import { LeadFactsService } from './lead-facts.js';
import { ParticipantActionsService } from './participant-actions.service.js';
import { ScheduleEngine } from './schedule-engine.js';
import { SmartPicks } from './smart-picks.js';
import { EnrollmentsController, LeadViewsController, ParticipantActionsController, SchedulesController } from './schedules.controller.js';
import { AudiencesService } from './audiences.service.js';
import { SchedulesService } from './schedules.service.js';
import { ScheduleAccess } from './schedule-access.js';
import { ScheduleChecks } from './schedule-checks.js';
import { DialIntakeModule } from '../dialer/dial-intake.js';

const HANDLERS = [DialAction, SmsAction, EmailAction, TaskAction, CallbackAction, WaitAction, ChoiceAction, AddToScheduleAction, RestartScheduleAction, ModifyLeadAction, OptOutAction, BlockAction];

/** Schedules: definitions, enrollments, participant actions, the engine and the action registry. */
@Module({
  imports: [LeadsModule, ComplianceModule, EmailModule, SettingsModule, UsersModule, TelephonyModule, CallbacksModule, DialIntakeModule, RealtimeModule],
  controllers: [SchedulesController, LeadViewsController, EnrollmentsController, ParticipantActionsController],
  providers: [
    ...HANDLERS,
    { provide: ActionRegistry, useFactory: (...handlers: ActionHandler[]) => new ActionRegistry(handlers, [...new Set([...SCHEDULE_ACTION_TYPES, ...INTEGRATION_ACTION_TYPES, ...AUTOMATION_ACTION_TYPES])]), inject: HANDLERS },
    MergeContexts,
    LeadFactsService,
    ScheduleEngine,
    SmartPicks,
    SchedulesService,
    ScheduleAccess,
    ScheduleChecks,
    EnrollmentsService,
    AudiencesService,
    ParticipantActionsService,
    ActionWorkSource,
  ],
  exports: [ActionRegistry, ScheduleEngine, EnrollmentsService, SchedulesService, ScheduleAccess, MergeContexts, EmailModule, EmailAction],
})
export class SchedulesModule {}
