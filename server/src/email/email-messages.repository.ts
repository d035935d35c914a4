import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, IsNull, MoreThanOrEqual, type Repository } from 'typeorm';
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

  /** The email written under this idempotency key (one per step attempt), if any. */
  findByKey(key: string): Promise<EmailMessage | null> {
    return this.repo.findOneBy({ idempotencyKey: key });
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
  outcomesSince(leadId: string, since: Date): Promise<Array<Pick<EmailMessage, 'status' | 'openedAt' | 'clickedAt'>>> {
    return this.repo.find({ select: { status: true, openedAt: true, clickedAt: true }, where: { leadId, createdAt: MoreThanOrEqual(since) } });
  }
}
