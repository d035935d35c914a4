import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In } from 'typeorm';
import type { DialMode, WorkItem, WorkKind } from '../../../shared/src/index.js';
import { DialQueueEntity, DialQueueItemEntity } from '../dialer/dial-queue.entity.js';
import { CallbackEntity } from '../callbacks/callback.entity.js';
import { LeadEntity } from '../leads/lead.entity.js';
import { stepConfig } from '../schedules/schedule-codec.js';
import { ParticipantActionEntity, ScheduleEntity, ScheduleStepEntity } from '../schedules/schedule.entity.js';

/** Who an open item is for: named users, or any available agent. */
export type Recipients = string[] | 'anyone';

const TYPE_LABEL: Record<string, string> = { dial: 'Call', sms: 'Text', email: 'Email', task: 'Task' };

/**
 * What is open in agents' inboxes, read from the work itself (participant actions
 * offered as `due`, callbacks due or escalated), so a resync after any outage shows the
 * truth rather than what happened to be pushed.
 */
@Injectable()
export class InboxService {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  /** Several items of one kind at once (a few statements for the lot); those open for nobody now are absent. */
  async describeMany(kind: WorkKind, ids: string[]): Promise<Map<string, { item: WorkItem; recipients: Recipients }>> {
    const out = new Map<string, { item: WorkItem; recipients: Recipients }>();
    if (!ids.length) return out;
    if (kind === 'participant_action') {
      const rows = (await this.ds.getRepository(ParticipantActionEntity).findBy({ id: In(ids) })).filter((a) => a.status === 'due');
      const items = await this.actionItems(rows);
      rows.forEach((a, i) => out.set(a.id, { item: items[i], recipients: a.ownerId ? [a.ownerId] : 'anyone' }));
    } else if (kind === 'queue_item') {
      const rows = (await this.ds.getRepository(DialQueueItemEntity).findBy({ id: In(ids) })).filter((q) => q.agentId && (q.status === 'reserved' || q.status === 'dialing'));
      const items = await this.queueItems(rows);
      rows.forEach((q, i) => out.set(q.id, { item: items[i], recipients: [q.agentId as string] }));
    } else {
      const rows = (await this.ds.getRepository(CallbackEntity).findBy({ id: In(ids) })).filter((c) => c.status === 'due' || c.status === 'escalated');
      const items = await this.callbackItems(rows);
      rows.forEach((c, i) => out.set(c.id, { item: items[i], recipients: c.status === 'due' && c.ownerId ? [c.ownerId] : 'anyone' }));
    }
    return out;
  }

  /** Everything open for this agent now, oldest due first. */
  async openFor(userId: string, available: boolean): Promise<WorkItem[]> {
    const actions = await this.ds.getRepository(ParticipantActionEntity).find({ where: { ownerId: userId, status: 'due' }, order: { dueAt: 'ASC' }, take: 500 });
    const mine = await this.ds.getRepository(CallbackEntity).find({ where: { ownerId: userId, status: 'due' }, order: { dueAt: 'ASC' }, take: 500 });
    // Escalated callbacks are anyone's, offered to agents who can take work.
    const anyone = available ? await this.ds.getRepository(CallbackEntity).find({ where: { status: 'escalated' }, order: { dueAt: 'ASC' }, take: 500 }) : [];
    const dialed = await this.ds.getRepository(DialQueueItemEntity).find({ where: { agentId: userId, status: In(['reserved', 'dialing']) }, take: 50 });
    const items = [...(await this.actionItems(actions)), ...(await this.callbackItems([...mine, ...anyone])), ...(await this.queueItems(dialed))];
    return items.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  private async actionItems(actions: ParticipantActionEntity[]): Promise<WorkItem[]> {
    if (!actions.length) return [];
    const [leads, scheduleRows, stepRows] = await Promise.all([
      this.leadNames(actions.map((a) => a.leadId)),
      this.ds.getRepository(ScheduleEntity).findBy({ id: In([...new Set(actions.map((a) => a.scheduleId))]) }),
      this.ds.getRepository(ScheduleStepEntity).findBy({ id: In([...new Set(actions.map((a) => a.stepId))]) }),
    ]);
    const schedules = new Map(scheduleRows.map((s) => [s.id, s]));
    const steps = new Map(stepRows.map((s) => [s.id, s]));
    return actions.map((a) => actionItem(a, leads.get(a.leadId) ?? null, schedules.get(a.scheduleId), steps.get(a.stepId)));
  }

  private async callbackItems(callbacks: CallbackEntity[]): Promise<WorkItem[]> {
    if (!callbacks.length) return [];
    const leads = await this.leadNames(callbacks.map((c) => c.leadId));
    return callbacks.map((c) => {
      const leadName = leads.get(c.leadId) ?? null;
      return {
        kind: 'callback',
        id: c.id,
        type: 'callback',
        leadId: c.leadId,
        leadName,
        title: `Call back ${leadName ?? 'the lead'}${c.note ? `: ${c.note}` : ''}`,
        dueAt: c.dueAt.toISOString(),
        status: c.status,
        origin: c.origin,
      };
    });
  }

  /** Leads the dialer gave the agent: the lead card with the queue's facts and why this lead. */
  private async queueItems(rows: DialQueueItemEntity[]): Promise<WorkItem[]> {
    if (!rows.length) return [];
    const [leads, queues] = await Promise.all([
      this.leadNames(rows.map((r) => r.leadId)),
      this.ds.getRepository(DialQueueEntity).findBy({ id: In([...new Set(rows.map((r) => r.queueId))]) }),
    ]);
    const byId = new Map(queues.map((q) => [q.id, q]));
    return rows.map((r) => {
      const q = byId.get(r.queueId);
      const leadName = leads.get(r.leadId) ?? null;
      const mode = (q?.mode ?? 'preview') as DialMode;
      const autoDialAt = mode === 'progressive' && r.status === 'reserved' && r.reservedAt && q ? new Date(r.reservedAt.getTime() + q.previewSeconds * 1000).toISOString() : null;
      return {
        kind: 'queue_item',
        id: r.id,
        type: 'dial',
        leadId: r.leadId,
        leadName,
        title: `${r.status === 'dialing' ? 'Calling' : 'Call'} ${leadName ?? 'the lead'}`,
        dueAt: r.dueAt.toISOString(),
        status: r.status,
        origin: q ? `Dial queue ${q.name}` : null,
        dial: { queueId: r.queueId, queueName: q?.name ?? '', mode, reason: whyChosen(r), attempts: r.attempts, autoDialAt, conversationId: r.conversationId },
      };
    });
  }

  private async leadNames(ids: string[]): Promise<Map<string, string>> {
    const leads = await this.ds.getRepository(LeadEntity).find({ select: { id: true, firstName: true, lastName: true, company: true }, where: { id: In([...new Set(ids)]) } });
    return new Map(leads.map((l) => [l.id, leadName(l)]));
  }
}

/** How a lead is named on agents' screens. */
export function leadName(l: Pick<LeadEntity, 'firstName' | 'lastName' | 'company'>): string {
  return [l.firstName, l.lastName].filter(Boolean).join(' ') || l.company || 'Unnamed lead';
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

/** The lead card's "why this lead": what put it first in the queue's order. */
export function whyChosen(r: Pick<DialQueueItemEntity, 'source' | 'callbackFirst' | 'priority' | 'dueAt' | 'attempts' | 'lastOutcome'>): string {
  const parts = [r.callbackFirst ? 'a callback due now (callbacks go first)' : r.source === 'schedule' ? 'a schedule\'s dial step' : 'added to the queue'];
  if (r.priority) parts.push(`priority ${r.priority}`);
  parts.push(`due since ${r.dueAt.toISOString().slice(0, 16).replace('T', ' ')} UTC`);
  if (r.attempts) parts.push(`${r.attempts} earlier attempt${r.attempts === 1 ? '' : 's'}${r.lastOutcome ? `, last: ${r.lastOutcome}` : ''}`);
  return parts.join('; ');
}
