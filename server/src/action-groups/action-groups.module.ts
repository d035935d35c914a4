import { Module, type OnModuleInit } from '@nestjs/common';
import { ComplianceModule } from '../compliance/compliance.module.js';
import { LeadsModule } from '../leads/leads.module.js';
import { ActionRegistry } from '../schedules/actions/action-registry.js';
import { SchedulesModule } from '../schedules/schedules.module.js';
import { TelephonyModule } from '../telephony/telephony.module.js';
import { ActionGroupsController } from './action-groups.controller.js';
import { ActionGroupsRepositoryModule } from './action-groups.repository.js';
import { ActionGroupsService } from './action-groups.service.js';
import { GroupRunner } from './group-runner.js';
import { ActionGroupUses } from './group-uses.js';
import { RunGroupAction } from './run-group.action.js';

/** Action groups: reusable bundles of actions, their triggers and their runs' audit trail. */
@Module({
  imports: [ActionGroupsRepositoryModule, SchedulesModule, LeadsModule, ComplianceModule, TelephonyModule],
  controllers: [ActionGroupsController],
  providers: [ActionGroupsService, GroupRunner, RunGroupAction, ActionGroupUses],
  exports: [GroupRunner, ActionGroupUses],
})
export class ActionGroupsModule implements OnModuleInit {
  constructor(
    private readonly registry: ActionRegistry,
    private readonly runGroup: RunGroupAction,
  ) {}

  onModuleInit(): void {
    this.registry.register(this.runGroup);
  }
}
