import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, MoreThanOrEqual } from 'typeorm';
import { CallbackEntity } from '../callbacks/callback.entity.js';
import { DialCallEntity, DialQueueItemEntity } from '../dialer/dial-queue.entity.js';
import { LeadEntity } from '../leads/lead.entity.js';
import { ParticipantActionEntity } from '../schedules/schedule.entity.js';
import { ConversationEntity } from '../telephony/conversations/conversation.entity.js';
import { UserEntity } from '../users/user.entity.js';

/**
 * The queue figures' reads across the rooms' tables (the read model's SQL; it writes
 * nothing). Counts come back as the drivers give them (text or number): callers convert.
 */
@Injectable()
export class FiguresRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private get calls() {
    return this.ds.getRepository(DialCallEntity);
  }

  /** A queue's calls placed since `from`: when placed and bridged, and the disposition of their conversation. */
  callsWithDispositionSince(queueId: string, from: Date): Promise<Array<{ placedAt: Date | string; bridgedAt: Date | string | null; disposition: string | null }>> {
    return this.calls
      .createQueryBuilder('c')
      .leftJoin(ConversationEntity, 'v', 'v.id = c.conversation_id')
      .select(['c.placed_at AS "placedAt"', 'c.bridged_at AS "bridgedAt"', 'v.disposition AS "disposition"'])
      .where('c.queue_id = :queueId AND c.placed_at >= :from', { queueId, from })
      .getRawMany<{ placedAt: Date | string; bridgedAt: Date | string | null; disposition: string | null }>();
  }

  /** A queue's calls a person answered, placed since `from`: when, and how they ended. */
  humanCallsSince(queueId: string, from: Date): Promise<Array<Pick<DialCallEntity, 'placedAt' | 'outcome'>>> {
    return this.calls.find({ select: { placedAt: true, outcome: true }, where: { queueId, human: true, placedAt: MoreThanOrEqual(from) } });
  }

  /** The names of these users (none asked: no query). */
  userNames(ids: string[]): Promise<Array<Pick<UserEntity, 'id' | 'name'>>> {
    return ids.length ? this.ds.getRepository(UserEntity).find({ select: { id: true, name: true }, where: { id: In(ids) } }) : Promise.resolve([]);
  }

  /** A queue's calls not ended, placed since `since`: ringing (not answered) and talking. */
  liveCalls(queueId: string, since: Date): Promise<{ ringing: string | null; talking: string | null } | undefined> {
    return this.calls
      .createQueryBuilder('c')
      .select('SUM(CASE WHEN c.answered_at IS NULL THEN 1 ELSE 0 END)', 'ringing')
      .addSelect('SUM(CASE WHEN c.answered_at IS NOT NULL THEN 1 ELSE 0 END)', 'talking')
      .where('c.queue_id = :id AND c.ended_at IS NULL AND c.placed_at >= :since', { id: queueId, since })
      .getRawOne<{ ringing: string | null; talking: string | null }>();
  }

  /** A queue's calls placed since `from`: dials, answered by a person, connected to an agent, abandoned. */
  callCountsSince(queueId: string, from: Date): Promise<{ dials: string | number; human: string | null; connects: string | null; abandoned: string | null } | undefined> {
    return this.calls
      .createQueryBuilder('c')
      .select('COUNT(*)', 'dials')
      .addSelect('SUM(CASE WHEN c.human = :human THEN 1 ELSE 0 END)', 'human')
      .addSelect('SUM(CASE WHEN c.bridged_at IS NOT NULL THEN 1 ELSE 0 END)', 'connects')
      .addSelect("SUM(CASE WHEN c.outcome = 'abandoned' THEN 1 ELSE 0 END)", 'abandoned')
      .where('c.queue_id = :id AND c.placed_at >= :from', { id: queueId, from, human: true })
      .getRawOne<{ dials: string | number; human: string | null; connects: string | null; abandoned: string | null }>();
  }

  /** A queue's callbacks due (to their owner) and overdue (escalated to anyone). */
  openCallbacks(queueId: string): Promise<{ due: string | null; overdue: string | null } | undefined> {
    return this.ds
      .getRepository(CallbackEntity)
      .createQueryBuilder('c')
      .select("SUM(CASE WHEN c.status = 'due' THEN 1 ELSE 0 END)", 'due')
      .addSelect("SUM(CASE WHEN c.status = 'escalated' THEN 1 ELSE 0 END)", 'overdue')
      .where("c.queue_id = :id AND c.status IN ('due', 'escalated')", { id: queueId })
      .getRawOne<{ due: string | null; overdue: string | null }>();
  }

  /** Per agent, their participant actions due, and those due before `overdueBefore` (no agents: no query). */
  dueActionsByOwner(agentIds: string[], overdueBefore: Date): Promise<Array<{ userId: string; due: string | number; overdue: string | number | null }>> {
    if (!agentIds.length) return Promise.resolve([]);
    return this.ds
      .getRepository(ParticipantActionEntity)
      .createQueryBuilder('a')
      .select('a.owner_id', 'userId')
      .addSelect('COUNT(*)', 'due')
      .addSelect('SUM(CASE WHEN a.due_at < :overdue THEN 1 ELSE 0 END)', 'overdue')
      .where("a.owner_id IN (:...agentIds) AND a.status = 'due'", { agentIds, overdue: overdueBefore })
      .groupBy('a.owner_id')
      .getRawMany<{ userId: string; due: string | number; overdue: string | number | null }>();
  }

  /** The lead each of these agents holds in the queue (reserved or dialing), by name (no agents: no query). */
  leadsHeldBy(queueId: string, agentIds: string[]): Promise<Array<{ agentId: string; firstName: string | null; lastName: string | null }>> {
    if (!agentIds.length) return Promise.resolve([]);
    return this.ds
      .getRepository(DialQueueItemEntity)
      .createQueryBuilder('i')
      .innerJoin(LeadEntity, 'l', 'l.id = i.lead_id')
      .select('i.agent_id', 'agentId')
      .addSelect('l.first_name', 'firstName')
      .addSelect('l.last_name', 'lastName')
      .where("i.queue_id = :id AND i.status IN ('reserved', 'dialing') AND i.agent_id IN (:...agentIds)", { id: queueId, agentIds })
      .getRawMany<{ agentId: string; firstName: string | null; lastName: string | null }>();
  }
}
