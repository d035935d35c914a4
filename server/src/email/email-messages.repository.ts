import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, In, IsNull, MoreThanOrEqual, Not, type Repository } from 'typeorm';
import { EMAIL_WENT_OUT } from '#shared';
import { isUniqueViolation } from '../database/db-errors.js';
import { EmailMessageEntity } from './email-message.entity.js';

/** An email as stored: what was sent, to whom, and what became of it. */
export type EmailMessage = EmailMessageEntity;

/** The email_messages table, read and written here only. */
@Injectable()
export class EmailMessagesRepository {
  private readonly repo: Repository<EmailMessageEntity>;

  constructor(@InjectDataSource() ds: DataSource) {
    this.repo = ds.getRepository(EmailMessageEntity);
  }

  findById(id: string): Promise<EmailMessage | null> {
    return this.repo.findOneBy({ id });
  }

  /** These emails (those that exist), in no particular order. */
  findByIds(ids: string[]): Promise<EmailMessage[]> {
    return ids.length ? this.repo.find({ where: { id: In(ids.slice(0, 1000)) } }) : Promise.resolve([]);
  }

  /** The email written under this idempotency key (one per step attempt), if any. */
  findByKey(key: string): Promise<EmailMessage | null> {
    return this.repo.findOneBy({ idempotencyKey: key });
  }

  /** Every email written for one participant action (its attempts), oldest first. */
  ofAction(participantActionId: string): Promise<EmailMessage[]> {
    return this.repo.find({ where: { participantActionId }, order: { createdAt: 'ASC', id: 'ASC' } });
  }

  /** The latest email sent for any of these actions (an enrollment's earlier steps), if any. */
  async latestSentOf(participantActionIds: string[]): Promise<EmailMessage | null> {
    if (!participantActionIds.length) return null;
    const [row] = await this.repo.find({ where: { participantActionId: In(participantActionIds), status: In([...EMAIL_WENT_OUT]) }, order: { sentAt: 'DESC', createdAt: 'DESC', id: 'DESC' }, take: 1 });
    return row ?? null;
  }

  /** A lead's emails, newest first. */
  ofLead(leadId: string, limit: number, offset: number): Promise<EmailMessage[]> {
    return this.repo.find({ where: { leadId }, order: { createdAt: 'DESC', id: 'DESC' }, take: limit, skip: offset });
  }

  /** Writes the row; false when its idempotency key is already taken (the same send under way or done). */
  async insertOnce(row: EmailMessage): Promise<boolean> {
    try {
      await this.repo.insert({ ...row });
      return true;
    } catch (e) {
      if (isUniqueViolation(e)) return false;
      throw e;
    }
  }

  async insert(row: EmailMessage): Promise<void> {
    await this.repo.insert({ ...row });
  }

  async update(id: string, patch: Partial<Omit<EmailMessage, 'id'>>): Promise<void> {
    await this.repo.update({ id }, patch);
  }

  /** Sets `openedAt` (and `clickedAt` for a click) where not yet set; says which were first. */
  async markSeen(id: string, kind: 'open' | 'click', at: Date): Promise<{ firstOpen: boolean; firstClick: boolean }> {
    const opened = await this.repo.update({ id, openedAt: IsNull() }, { openedAt: at });
    const clicked = kind === 'click' ? await this.repo.update({ id, clickedAt: IsNull() }, { clickedAt: at }) : { affected: 0 };
    return { firstOpen: !!opened.affected, firstClick: !!clicked.affected };
  }

  /** What became of the lead's emails written since `since`: for a schedule's criteria. */
  outcomesSince(leadId: string, since: Date): Promise<Array<Pick<EmailMessage, 'status' | 'openedAt' | 'clickedAt' | 'repliedAt'>>> {
    return this.repo.find({ select: { status: true, openedAt: true, clickedAt: true, repliedAt: true }, where: { leadId, createdAt: MoreThanOrEqual(since) } });
  }

  /**
   * The first of `messageIds` (in the order given) that is one of ours: what an inbound
   * message answers or reports on. Ids with their angle brackets, as we write them.
   */
  async findFirstByMessageIds(messageIds: string[], em?: EntityManager): Promise<EmailMessage | null> {
    const ids = [...new Set(messageIds)].filter((id) => id.length <= 300).slice(0, 100);
    if (!ids.length) return null;
    const rows = await (em?.getRepository(EmailMessageEntity) ?? this.repo).find({ where: { messageId: In(ids) } });
    for (const id of ids) {
      const row = rows.find((r) => r.messageId === id);
      if (row) return row;
    }
    return null;
  }

  /** The lead's first reply to this email: sets `repliedAt` and status `replied` (a bounced one keeps its status). True when this was the first. */
  async markReplied(id: string, at: Date, em?: EntityManager): Promise<boolean> {
    const repo = em?.getRepository(EmailMessageEntity) ?? this.repo;
    const first = await repo.update({ id, repliedAt: IsNull() }, { repliedAt: at });
    await repo.update({ id, status: Not(In(['bounced', 'replied'])) }, { status: 'replied' });
    return !!first.affected;
  }

  /**
   * A delivery notification said the lead's mailbox took it: `deliveredAt` (the first such
   * report), and status `delivered` when it was only `sent` (a reply or a bounce says more).
   */
  async markDelivered(id: string, at: Date, em?: EntityManager): Promise<void> {
    const repo = em?.getRepository(EmailMessageEntity) ?? this.repo;
    await repo.update({ id, deliveredAt: IsNull() }, { deliveredAt: at });
    await repo.update({ id, status: 'sent' }, { status: 'delivered' });
  }

  /** A delivery report said it cannot be delivered: status `bounced`, when, and the receiving side's words. */
  async markBounced(id: string, at: Date, diagnostic: string, em?: EntityManager): Promise<void> {
    const repo = em?.getRepository(EmailMessageEntity) ?? this.repo;
    await repo.update({ id }, { status: 'bounced', bouncedAt: at, error: diagnostic.slice(0, 1000) });
  }

  /**
   * Whether this address cannot receive: an email to it bounced (refused with a 5xx when
   * sent, or reported undeliverable afterwards). Read by the schedules' `onBounce` rule.
   */
  async undeliverable(address: string): Promise<boolean> {
    return (await this.repo.count({ where: { toAddress: address.toLowerCase(), status: 'bounced' }, take: 1 })) > 0;
  }
}
