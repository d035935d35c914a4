import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager, type FindOptionsWhere, IsNull, Not } from 'typeorm';
import { EmailInboundEntity } from './email-inbound.entity.js';

/** An inbound email as stored. */
export type InboundEmail = EmailInboundEntity;

/** Which received email to list: of a kind, matched to a lead or not, of one lead. */
export interface InboundFilter {
  kind?: string;
  matched?: boolean;
  leadId?: string;
}

/** The email_inbound table, read and written here only. */
@Injectable()
export class EmailInboundRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  private repo(em?: EntityManager) {
    return (em ?? this.ds.manager).getRepository(EmailInboundEntity);
  }

  findById(id: string): Promise<InboundEmail | null> {
    return this.repo().findOneBy({ id });
  }

  /** Received email, newest first, with how many match in all. */
  async list(filter: InboundFilter, limit: number, offset: number): Promise<{ rows: InboundEmail[]; total: number }> {
    const where: FindOptionsWhere<EmailInboundEntity> = {};
    if (filter.kind) where.kind = filter.kind;
    if (filter.leadId) where.leadId = filter.leadId;
    else if (filter.matched !== undefined) where.leadId = filter.matched ? Not(IsNull()) : IsNull();
    const [rows, total] = await this.repo().findAndCount({ where, order: { receivedAt: 'DESC', id: 'DESC' }, take: limit, skip: offset });
    return { rows, total };
  }

  findByMessageId(messageId: string, em?: EntityManager): Promise<InboundEmail | null> {
    return this.repo(em).findOneBy({ messageId });
  }

  /**
   * Stores the message unless one with its Message-ID is already there (a relay's retry,
   * or two instances taking the same message): true when this call wrote it. Safe to retry.
   */
  async insertIfNew(row: InboundEmail, em?: EntityManager): Promise<boolean> {
    await this.repo(em).createQueryBuilder().insert().values({ ...row }).orIgnore().execute();
    const stored = await this.repo(em).findOne({ select: { id: true }, where: { messageId: row.messageId } });
    return stored?.id === row.id;
  }
}
