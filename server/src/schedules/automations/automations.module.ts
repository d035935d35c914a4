import { Module, type OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../../config/app-config.js';
import { LeadsModule } from '../../leads/leads.module.js';
import { ActionRegistry } from '../actions/action-registry.js';
import { SchedulesModule } from '../schedules.module.js';
import { TelephonyModule } from '../../telephony/telephony.module.js';
import { UsersModule } from '../../users/users.module.js';
import { AddTagsAction, ArchiveLeadAction, MarkInactiveAction, NotifyAction, RemoveFromScheduleAction, RemoveTagsAction } from './automation-actions.js';
import { AutomationRunsController, InterestController } from './automations.controller.js';
import { AutomationsService } from './automations.service.js';
import { InterestLinks } from './interest-links.js';

const HANDLERS = [NotifyAction, AddTagsAction, RemoveTagsAction, MarkInactiveAction, ArchiveLeadAction, RemoveFromScheduleAction];

/** Step automations: their firings, their actions, and the "Still interested?" links. */
@Module({
  imports: [SchedulesModule, LeadsModule, TelephonyModule, UsersModule],
  controllers: [AutomationRunsController, InterestController],
  providers: [...HANDLERS, AutomationsService, { provide: InterestLinks, useFactory: (c: AppConfig) => new InterestLinks(c.auth.jwtSecret), inject: [AppConfig] }],
  exports: [AutomationsService],
})
export class AutomationsModule implements OnModuleInit {
  constructor(
    private readonly registry: ActionRegistry,
    private readonly notify: NotifyAction,
    private readonly addTags: AddTagsAction,
    private readonly removeTags: RemoveTagsAction,
    private readonly inactive: MarkInactiveAction,
    private readonly archive: ArchiveLeadAction,
    private readonly remove: RemoveFromScheduleAction,
  ) {}

  onModuleInit(): void {
    for (const h of [this.notify, this.addTags, this.removeTags, this.inactive, this.archive, this.remove]) this.registry.register(h);
  }
}
