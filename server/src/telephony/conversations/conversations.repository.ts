import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Brackets, DataSource, type EntityManager, In, IsNull, LessThan, LessThanOrEqual, MoreThanOrEqual } from 'typeorm';
import { orderedId } from '../../common/ids.js';
import { ConversationEntity, ConversationEventEntity } from './conversation.entity.js';
import { type StatusEvent, transition } from './conversation-state.js';
import { isUniqueViolation } from '../../database/db-errors.js';
import { LeadsRepository } from '../../leads/leads.repository.js';

export interface ConversationFilter {
  leadId?: string;
  agentId?: string;
  /** Agents: their own conversations or their leads'. */
  visibleTo?: { agentId: string };
  channel?: string;
  statuses?: string[];
  disposition?: string;
  from?: Date;
  to?: Date;
}

export interface ConversationCursor {
  createdAt: Date;
  id: string;
}

export interface AppliedEvent {
  conversation: ConversationEntity;
  advanced: boolean;
}

/** Extra fields an event may carry besides the status transition. */
export interface EventExtras {
  providerSid?: string;
  errorCode?: string | null;
  errorMessage?: string | null;
  sequence?: number | null;
  source: string;
  payload: Record<string, unknown>;
}

/** Whole seconds from the start of a hold to `at` (never negative). */
const heldFor = (since: Date, at: Date): number => Math.max(0, Math.round((at.getTime() - since.getTime()) / 1000));

/** A conversation as stored, for the rooms that read conversations through this port. */
export type Conversation = ConversationEntity;

/** Persistence port for conversations and their callback audit trail. */
export abstract class ConversationsRepository {
  /** Inserts; when the idempotency key is taken, returns the conversation that holds it instead. */
  abstract insertOnce(c: ConversationEntity): Promise<{ conversation: ConversationEntity; created: boolean }>;
  abstract findById(id: string): Promise<ConversationEntity | null>;
  abstract findBySid(sid: string): Promise<ConversationEntity | null>;
  abstract findByKey(key: string): Promise<ConversationEntity | null>;
  /** A text our reconciler closed as never placed (no carrier id), back to `initiating` to be sent after all; false when it is not such a row any more. */
  abstract reopenNotPlaced(id: string, at: Date): Promise<boolean>;
  /** Records the carrier's sid (if none yet) and applies the status it answered with. */
  abstract recordPlaced(id: string, sid: string, status: string, at: Date): Promise<ConversationEntity | null>;
  /** Applies a status event under a row lock and appends it to the audit trail. */
  abstract applyEvent(id: string, event: StatusEvent, extras: EventExtras, receivedAt: Date): Promise<AppliedEvent | null>;
  abstract update(id: string, patch: Partial<ConversationEntity>): Promise<void>;
  /**
   * Sets the disposition (with who, when, notes) only while it is still `expected`: of two
   * posts racing, one wins. Returns whether it was written.
   */
  abstract setDisposition(id: string, expected: string | null, patch: Pick<ConversationEntity, 'disposition' | 'dispositionBy' | 'dispositionAt' | 'updatedAt'> & Partial<Pick<ConversationEntity, 'notes'>>, em?: EntityManager): Promise<boolean>;
  /**
   * The person on the call is held from `at` (an open hold already running is kept), or
   * back: the open hold's seconds are added to `hold_seconds`. Each is one conditional
   * statement, so a repeated or racing hold or resume counts once.
   */
  abstract recordHold(id: string, held: boolean, at: Date): Promise<void>;
  /** Notes something done to a call that is not a carrier status (hold, resume) in its event log. */
  abstract note(id: string, what: string, source: string, payload: Record<string, unknown>, at: Date): Promise<void>;
  abstract search(filter: ConversationFilter, after: ConversationCursor | null, limit: number): Promise<ConversationEntity[]>;
  /** Conversations not final whose last change is older than `before`. */
  /** The lead's conversations created since `since`, oldest first. */
  abstract forLeadSince(leadId: string, since: Date): Promise<ConversationEntity[]>;
  abstract unsettled(statuses: string[], before: Date, limit: number): Promise<ConversationEntity[]>;
  abstract events(id: string): Promise<ConversationEventEntity[]>;
  /** The agent of the lead's most recent call, if any. */
  abstract lastAgentFor(leadId: string): Promise<string | null>;
  /** The lead's latest outbound conversation on `channel` made at or before `before`. */
  abstract lastOutbound(leadId: string, channel: 'call' | 'sms', before: Date): Promise<ConversationEntity | null>;
  /** The bodies of several conversations (texts), in one statement; ids with no row are absent. */
  abstract bodiesOf(ids: string[]): Promise<Map<string, string | null>>;
}

@Injectable()
export class TypeormConversationsRepository extends ConversationsRepository {
  constructor(
    @InjectDataSource() private readonly ds: DataSource,
    private readonly leads: LeadsRepository,
  ) {
    super();
  }

  private get repo() {
    return this.ds.getRepository(ConversationEntity);
  }

  async insertOnce(c: ConversationEntity): Promise<{ conversation: ConversationEntity; created: boolean }> {
    try {
      await this.repo.insert({ ...c });
      return { conversation: c, created: true };
    } catch (e) {
      if (!c.idempotencyKey || !isUniqueViolation(e)) throw e;
      const existing = await this.findByKey(c.idempotencyKey);
      if (!existing) throw e;
      return { conversation: existing, created: false };
    }
  }

  findById(id: string): Promise<ConversationEntity | null> {
    return this.repo.findOneBy({ id });
  }

  findBySid(sid: string): Promise<ConversationEntity | null> {
    return this.repo.findOneBy({ providerSid: sid });
  }

  findByKey(key: string): Promise<ConversationEntity | null> {
    return this.repo.findOneBy({ idempotencyKey: key });
  }

  async reopenNotPlaced(id: string, at: Date): Promise<boolean> {
    const r = await this.repo.update({ id, channel: 'sms', status: 'failed', errorCode: 'not-placed', providerSid: IsNull() }, { status: 'initiating', errorCode: null, errorMessage: null, endedAt: null, updatedAt: at });
    return (r.affected ?? 0) > 0;
  }

  async recordPlaced(id: string, sid: string, status: string, at: Date): Promise<ConversationEntity | null> {
    const applied = await this.applyEvent(id, { status, at }, { providerSid: sid, source: 'api', payload: { sid, status } }, at);
    return applied?.conversation ?? null;
  }

  applyEvent(id: string, event: StatusEvent, extras: EventExtras, receivedAt: Date): Promise<AppliedEvent | null> {
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(ConversationEntity);
      const current = await repo.createQueryBuilder('c').setLock('pessimistic_write').where('c.id = :id', { id }).getOne();
      if (!current) return null;
      const channel = current.channel as 'call' | 'sms';
      const { advanced, patch } = transition(channel, current, event);
      const change: Partial<ConversationEntity> = { ...patch };
      if (extras.providerSid && !current.providerSid) change.providerSid = extras.providerSid;
      if (advanced && extras.errorCode) change.errorCode = extras.errorCode.slice(0, 16);
      if (advanced && extras.errorMessage) change.errorMessage = extras.errorMessage.slice(0, 300);
      if (extras.sequence != null && extras.sequence > current.lastSequence) change.lastSequence = extras.sequence;
      // The call ending while its person is held ends the hold too.
      if (change.endedAt && current.heldSince) {
        change.holdSeconds = (current.holdSeconds ?? 0) + heldFor(current.heldSince, receivedAt);
        change.heldSince = null;
      }
      if (Object.keys(change).length) {
        change.updatedAt = receivedAt;
        await repo.update({ id }, change);
      }
      await em.getRepository(ConversationEventEntity).insert({
        id: orderedId(),
        conversationId: id,
        status: event.status.slice(0, 24),
        sequence: extras.sequence ?? null,
        applied: Object.keys(patch).length > 0,
        source: extras.source,
        payload: JSON.stringify(extras.payload).slice(0, 8000),
        receivedAt,
      });
      return { conversation: { ...current, ...change }, advanced };
    });
  }

  async update(id: string, patch: Partial<ConversationEntity>): Promise<void> {
    await this.repo.update({ id }, patch);
  }

  async setDisposition(id: string, expected: string | null, patch: Pick<ConversationEntity, 'disposition' | 'dispositionBy' | 'dispositionAt' | 'updatedAt'> & Partial<Pick<ConversationEntity, 'notes'>>, em?: EntityManager): Promise<boolean> {
    // One conditional statement: of two writers racing, the second waits for the first's row lock, then finds nothing to change.
    const repo = em ? em.getRepository(ConversationEntity) : this.repo;
    const r = await repo.update({ id, disposition: expected === null ? IsNull() : expected }, patch);
    return (r.affected ?? 0) > 0;
  }

  search(f: ConversationFilter, after: ConversationCursor | null, limit: number): Promise<ConversationEntity[]> {
    const qb = this.repo.createQueryBuilder('c').where('1 = 1');
    if (f.leadId) qb.andWhere('c.lead_id = :leadId', { leadId: f.leadId });
    if (f.agentId) qb.andWhere('c.agent_id = :agentId', { agentId: f.agentId });
    if (f.visibleTo) {
      qb.andWhere(
        new Brackets((w) => {
          w.where('c.agent_id = :me', { me: f.visibleTo?.agentId }).orWhere(`c.lead_id IN (${this.leads.ownedLeadIdsSubquery('me')})`, { me: f.visibleTo?.agentId });
        }),
      );
    }
    if (f.channel) qb.andWhere('c.channel = :channel', { channel: f.channel });
    if (f.statuses?.length) qb.andWhere('c.status IN (:...statuses)', { statuses: f.statuses });
    if (f.disposition) qb.andWhere('c.disposition = :disposition', { disposition: f.disposition });
    if (f.from) qb.andWhere('c.created_at >= :from', { from: f.from });
    if (f.to) qb.andWhere('c.created_at < :to', { to: f.to });
    if (after) {
      qb.andWhere(
        new Brackets((w) => {
          w.where('c.created_at < :cAt', { cAt: after.createdAt }).orWhere('(c.created_at = :cAt AND c.id < :cId)', { cAt: after.createdAt, cId: after.id });
        }),
      );
    }
    return qb.orderBy('c.created_at', 'DESC').addOrderBy('c.id', 'DESC').take(limit).getMany();
  }

  forLeadSince(leadId: string, since: Date): Promise<ConversationEntity[]> {
    return this.ds.getRepository(ConversationEntity).find({ where: { leadId, createdAt: MoreThanOrEqual(since) }, order: { createdAt: 'ASC' } });
  }

  unsettled(statuses: string[], before: Date, limit: number): Promise<ConversationEntity[]> {
    return this.repo.find({ where: { status: In(statuses), updatedAt: LessThan(before) }, order: { updatedAt: 'ASC' }, take: limit });
  }

  async recordHold(id: string, held: boolean, at: Date): Promise<void> {
    if (held) {
      await this.repo.update({ id, heldSince: IsNull(), endedAt: IsNull() }, { heldSince: at });
      return;
    }
    const row = await this.repo.findOne({ select: { id: true, heldSince: true }, where: { id } });
    const since = row?.heldSince;
    if (!since) return;
    await this.repo
      .createQueryBuilder()
      .update()
      .set({ holdSeconds: () => `hold_seconds + ${heldFor(since, at)}`, heldSince: null })
      .where('id = :id AND held_since = :since', { id, since })
      .execute();
  }

  async note(id: string, what: string, source: string, payload: Record<string, unknown>, at: Date): Promise<void> {
    await this.ds.getRepository(ConversationEventEntity).insert({ id: orderedId(), conversationId: id, status: what.slice(0, 24), sequence: null, applied: false, source: source.slice(0, 16), payload: JSON.stringify(payload).slice(0, 8000), receivedAt: at });
  }

  events(id: string): Promise<ConversationEventEntity[]> {
    return this.ds.getRepository(ConversationEventEntity).find({ where: { conversationId: id }, order: { receivedAt: 'ASC', id: 'ASC' } });
  }

  async lastAgentFor(leadId: string): Promise<string | null> {
    const row = await this.repo
      .createQueryBuilder('c')
      .select('c.agent_id', 'agentId')
      .where("c.lead_id = :leadId AND c.channel = 'call' AND c.agent_id IS NOT NULL", { leadId })
      .orderBy('c.created_at', 'DESC')
      .limit(1)
      .getRawOne<{ agentId: string }>();
    return row?.agentId ?? null;
  }

  lastOutbound(leadId: string, channel: 'call' | 'sms', before: Date): Promise<ConversationEntity | null> {
    return this.repo.findOne({ where: { leadId, channel, direction: 'outbound', createdAt: LessThanOrEqual(before) }, order: { createdAt: 'DESC', id: 'DESC' } });
  }

  async bodiesOf(ids: string[]): Promise<Map<string, string | null>> {
    if (!ids.length) return new Map();
    const rows = await this.repo.find({ select: { id: true, body: true }, where: { id: In(ids) } });
    return new Map(rows.map((r) => [r.id, r.body]));
  }
}
