import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { EmailInboundEntity } from './email-inbound.entity.js';

/** An inbound email as stored. */
export type InboundEmail = EmailInboundEntity;

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
