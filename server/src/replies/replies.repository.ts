import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, IsNull, LessThan, LessThanOrEqual } from 'typeorm';
import { isUniqueViolation } from '../database/db-errors.js';
import { LeadReplyEntity } from './lead-reply.entity.js';

/**
 * Persistence port for replies. Every close is fenced by `open`, so an answer and a
 * dismissal racing each other close the reply once.
 */
export abstract class RepliesRepository {
  /** Stores the reply unless one for the same thing written exists (a webhook retried): true when this call made it. Safe to retry. */
  abstract insertOnce(r: LeadReplyEntity): Promise<boolean>;
  abstract findById(id: string): Promise<LeadReplyEntity | null>;
  abstract findByIds(ids: string[]): Promise<LeadReplyEntity[]>;
  /** Open replies owned by these users, oldest first. */
  abstract openOwnedBy(userIds: string[], limit?: number): Promise<LeadReplyEntity[]>;
  /** Open replies with no owner (anyone available may take them), oldest first. */
  abstract openForAnyone(limit: number): Promise<LeadReplyEntity[]>;
  /** Open replies received before `before` (every open one without it), oldest first. */
  abstract open(before: Date | null, limit: number): Promise<LeadReplyEntity[]>;
  /** The lead's open replies received at or before `at` closed as answered by `by`; returns their ids. */
  abstract answerOpenOfLead(leadId: string, by: string | null, at: Date): Promise<string[]>;
  /** An open reply dismissed by `by`; false when it was no longer open. */
  abstract dismissOpen(id: string, by: string, at: Date): Promise<boolean>;
}

@Injectable()
export class TypeormRepliesRepository extends RepliesRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {
    super();
  }

  private get repo() {
    return this.ds.getRepository(LeadReplyEntity);
  }

  async insertOnce(r: LeadReplyEntity): Promise<boolean> {
    try {
      await this.repo.insert({ ...r });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  findById(id: string): Promise<LeadReplyEntity | null> {
    return this.repo.findOneBy({ id });
  }

  findByIds(ids: string[]): Promise<LeadReplyEntity[]> {
    return ids.length ? this.repo.find({ where: { id: In(ids) } }) : Promise.resolve([]);
  }

  openOwnedBy(userIds: string[], limit?: number): Promise<LeadReplyEntity[]> {
    if (!userIds.length) return Promise.resolve([]);
    return this.repo.find({ where: { ownerId: In(userIds), status: 'open' }, order: { receivedAt: 'ASC', id: 'ASC' }, take: limit });
  }

  openForAnyone(limit: number): Promise<LeadReplyEntity[]> {
    return this.repo.find({ where: { ownerId: IsNull(), status: 'open' }, order: { receivedAt: 'ASC', id: 'ASC' }, take: limit });
  }

  open(before: Date | null, limit: number): Promise<LeadReplyEntity[]> {
    return this.repo.find({ where: { status: 'open', ...(before ? { receivedAt: LessThan(before) } : {}) }, order: { receivedAt: 'ASC', id: 'ASC' }, take: limit });
  }

  async answerOpenOfLead(leadId: string, by: string | null, at: Date): Promise<string[]> {
    const ids = (await this.repo.find({ select: { id: true }, where: { leadId, status: 'open', receivedAt: LessThanOrEqual(at) } })).map((r) => r.id);
    if (!ids.length) return [];
    await this.repo.update({ id: In(ids), status: 'open' }, { status: 'answered', answeredBy: by, answeredAt: at });
    return ids;
  }

  async dismissOpen(id: string, by: string, at: Date): Promise<boolean> {
    const result = await this.repo.update({ id, status: 'open' }, { status: 'dismissed', answeredBy: by, answeredAt: at });
    return (result.affected ?? 0) > 0;
  }
}
