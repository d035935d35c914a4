import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { WorkItem } from '#shared';
import { LeadsRepository } from '../leads/leads.repository.js';
import { chunks, type OpenWork, perAgent, type WorkSource, WorkSources } from '../realtime/work-sources.js';
import { ParticipantActionsRepository } from './participant-actions.repository.js';
import { stepConfig } from './schedule-codec.js';
import { ScheduleDefinitionsRepository } from './schedule-definitions.repository.js';
import type { ParticipantActionEntity, ScheduleEntity, ScheduleStepEntity } from './schedule.entity.js';

const TYPE_LABEL: Record<string, string> = { dial: 'Call', sms: 'Text', email: 'Email', task: 'Task' };

/** Manual participant actions offered as `due`, in their owner's inbox (or anyone's, with no owner). */
@Injectable()
export class ActionWorkSource implements WorkSource, OnModuleInit {
  constructor(
    private readonly actions: ParticipantActionsRepository,
    private readonly definitions: ScheduleDefinitionsRepository,
    private readonly leads: LeadsRepository,
    private readonly sources: WorkSources,
  ) {}

  onModuleInit(): void {
    this.sources.register('participant_action', this);
  }

  async describeMany(ids: string[]): Promise<Map<string, OpenWork>> {
    const out = new Map<string, OpenWork>();
    const rows = (await this.actions.findByIds(ids)).filter((a) => a.status === 'due');
    const items = await this.items(rows);
    rows.forEach((a, i) => out.set(a.id, { item: items[i], recipients: a.ownerId ? [a.ownerId] : 'anyone' }));
    return out;
  }

  async openFor(userId: string): Promise<WorkItem[]> {
    return this.items(await this.actions.dueOfOwner(userId, 500));
  }

  async openForMany(requests: Array<{ userId: string }>): Promise<Map<string, WorkItem[]>> {
    const userIds = [...new Set(requests.map((r) => r.userId))];
    const rows: ParticipantActionEntity[] = [];
    for (const ids of chunks(userIds)) rows.push(...(await this.actions.dueOfOwners(ids)));
    const mine = perAgent(userIds, rows, (a) => a.ownerId, 500);
    const kept = [...mine.values()].flat();
    const items = new Map((await this.items(kept)).map((item, i) => [kept[i].id, item]));
    return new Map([...mine].map(([userId, list]) => [userId, list.map((a) => items.get(a.id) as WorkItem)]));
  }

  private async items(actions: ParticipantActionEntity[]): Promise<WorkItem[]> {
    if (!actions.length) return [];
    const [leads, scheduleRows, stepRows] = await Promise.all([
      this.leads.namesOf(actions.map((a) => a.leadId)),
      this.definitions.findByIds([...new Set(actions.map((a) => a.scheduleId))]),
      this.definitions.findStepsByIds([...new Set(actions.map((a) => a.stepId))]),
    ]);
    const schedules = new Map(scheduleRows.map((s) => [s.id, s]));
    const steps = new Map(stepRows.map((s) => [s.id, s]));
    return actions.map((a) => actionItem(a, leads.get(a.leadId) ?? null, schedules.get(a.scheduleId), steps.get(a.stepId)));
  }
}

/** A participant action as an inbox item, from rows already read. */
export function actionItem(a: ParticipantActionEntity, name: string | null, schedule: ScheduleEntity | undefined, step: ScheduleStepEntity | undefined): WorkItem {
  const config = step ? stepConfig(step) : {};
  const label = typeof config.title === 'string' ? config.title : `${TYPE_LABEL[a.type] ?? a.type}${name ? ` ${name}` : ''}`;
  return {
    kind: 'participant_action',
    id: a.id,
    type: a.type,
    leadId: a.leadId,
    leadName: name,
    title: label,
    dueAt: a.dueAt.toISOString(),
    status: a.status,
    origin: schedule ? `${schedule.name}, step ${step?.position ?? '?'}` : null,
  };
}
