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
import { Enroller } from './actions/enroller.js';
import { ActionWorkSource } from './action-work-source.js';
import { AutomationsRepository, TypeormAutomationsRepository } from './automations/automations.repository.js';
import { DialAction, EmailAction, MergeContexts, SmsAction } from './actions/contact-actions.js';
import { AddToScheduleAction, BlockAction, CallbackAction, ChoiceAction, ModifyLeadAction, OptOutAction, RestartScheduleAction, TaskAction, WaitAction } from './actions/flow-actions.js';
import { EnrollmentsRepository, TypeormEnrollmentsRepository } from './enrollments.repository.js';
import { EnrollmentsService } from './enrollments.service.js';
import { LeadFactsService } from './lead-facts.js';
import { LeadViewsRepository, TypeormLeadViewsRepository } from './lead-views.repository.js';
import { ParticipantActionsRepository, TypeormParticipantActionsRepository } from './participant-actions.repository.js';
import { ParticipantActionsService } from './participant-actions.service.js';
import { ManualEmailService } from './manual-email.service.js';
import { ScheduleDefinitionsRepository, TypeormScheduleDefinitionsRepository } from './schedule-definitions.repository.js';
import { ScheduleEngine } from './schedule-engine.js';
import { LeadDelegation } from './lead-delegation.js';
import { ManualContacts } from './manual-contacts.js';
import { SmartPicks } from './smart-picks.js';
import { EnrollmentsController, LeadViewsController, ParticipantActionsController, SchedulesController } from './schedules.controller.js';
import { AudiencesService } from './audiences.service.js';
import { SchedulesService } from './schedules.service.js';
import { SchedulesRepositoryModule } from './schedules.repository.js';
import { ScheduleAccess } from './schedule-access.js';
import { ScheduleChecks } from './schedule-checks.js';
import { DialIntakeModule } from '../dialer/dial-intake.js';

/** The room's own tables, each read and written by one repository. */
const REPOSITORIES = [
  { provide: ScheduleDefinitionsRepository, useClass: TypeormScheduleDefinitionsRepository },
  { provide: EnrollmentsRepository, useClass: TypeormEnrollmentsRepository },
  { provide: ParticipantActionsRepository, useClass: TypeormParticipantActionsRepository },
  { provide: AutomationsRepository, useClass: TypeormAutomationsRepository },
  { provide: LeadViewsRepository, useClass: TypeormLeadViewsRepository },
];

const HANDLERS = [DialAction, SmsAction, EmailAction, TaskAction, CallbackAction, WaitAction, ChoiceAction, AddToScheduleAction, RestartScheduleAction, ModifyLeadAction, OptOutAction, BlockAction];

/** Schedules: definitions, enrollments, participant actions, the engine and the action registry. */
@Module({
  imports: [LeadsModule, ComplianceModule, EmailModule, SettingsModule, UsersModule, TelephonyModule, CallbacksModule, DialIntakeModule, RealtimeModule, SchedulesRepositoryModule],
  controllers: [SchedulesController, LeadViewsController, EnrollmentsController, ParticipantActionsController],
  providers: [
    ...REPOSITORIES,
    ...HANDLERS,
    { provide: ActionRegistry, useFactory: (...handlers: ActionHandler[]) => new ActionRegistry(handlers, [...new Set([...SCHEDULE_ACTION_TYPES, ...INTEGRATION_ACTION_TYPES, ...AUTOMATION_ACTION_TYPES])]), inject: HANDLERS },
    Enroller,
    MergeContexts,
    LeadFactsService,
    ScheduleEngine,
    LeadDelegation,
    ManualContacts,
    SmartPicks,
    SchedulesService,
    ScheduleAccess,
    ScheduleChecks,
    EnrollmentsService,
    AudiencesService,
    ParticipantActionsService,
    ManualEmailService,
    ActionWorkSource,
  ],
  exports: [ScheduleDefinitionsRepository, EnrollmentsRepository, ParticipantActionsRepository, AutomationsRepository, ActionRegistry, ScheduleEngine, EnrollmentsService, SchedulesService, ScheduleAccess, MergeContexts, EmailModule, EmailAction],
})
export class SchedulesModule {}
