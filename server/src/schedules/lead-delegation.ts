import { Injectable, type OnModuleInit } from '@nestjs/common';
import { OPEN_ACTION_STATUSES, type ParticipantActionStatus } from '#shared';
import { Clock } from '../common/clock.js';
import { DomainEvents } from '../common/domain-events.js';
import { Transactions } from '../database/transactions.js';
import { leadRecordIn } from '../leads/leads.repository.js';
import { ParticipantActionsRepository } from './participant-actions.repository.js';
import { ScheduleDefinitionsRepository } from './schedule-definitions.repository.js';
import { ScheduleEngine } from './schedule-engine.js';
import type { ScheduleEntity, ScheduleStepEntity } from './schedule.entity.js';

/**
 * A lead changed by a user: its open actions whose schedule's delegation field (or step's
 * owner field) names one of the lead's fields go to whoever it names now — the custom
 * field's user, or the user who changed it last (`lastModifiedBy`). Actions delegated by
 * nothing keep their owner.
 */
@Injectable()
export class LeadDelegation implements OnModuleInit {
  constructor(
    private readonly tx: Transactions,
    private readonly actions: ParticipantActionsRepository,
    private readonly definitions: ScheduleDefinitionsRepository,
    private readonly engine: ScheduleEngine,
    private readonly events: DomainEvents,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.events.on('lead.updated', (e) => this.reassign(e.leadId));
  }

  async reassign(leadId: string): Promise<void> {
    // The definitions are read first, outside the unit of work (the embedded database has one connection).
    const open = await this.actions.list({ leadId, statuses: ['pending', 'due', 'in_progress', 'deferred'] }, 500, 0);
    const delegated: Array<{ id: string; schedule: ScheduleEntity; step: ScheduleStepEntity | null }> = [];
    for (const a of open) {
      const [schedule, step] = await Promise.all([this.definitions.findById(a.scheduleId), this.definitions.findStep(a.stepId)]);
      if (schedule && (step?.ownerField || schedule.delegationField)) delegated.push({ id: a.id, schedule, step });
    }
    if (!delegated.length) return;
    await this.tx.run(async (em) => {
      const lead = await leadRecordIn(em, leadId);
      if (!lead) return;
      const moved: string[] = [];
      for (const { id, schedule, step } of delegated) {
        const a = await this.actions.findById(id, em);
        if (!a || !OPEN_ACTION_STATUSES.includes(a.status as ParticipantActionStatus)) continue;
        const owner = await this.engine.ownerFor(schedule, step, lead, em);
        if (owner === a.ownerId) continue;
        await this.actions.setOwner(a.id, owner, this.clock.now(), em);
        if (a.status === 'due') moved.push(a.id);
      }
      if (moved.length) this.events.emitAfterCommit(em, 'work.changed', { kind: 'participant_action', ids: moved });
    });
  }
}
