import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { isUniqueViolation } from '../database/db-errors.js';
import { MailboxCursorEntity } from './mailbox-cursor.entity.js';

/** The poller's place in a mailbox. */
export interface MailboxCursor {
  uidValidity: string;
  lastUid: number;
}

/** The email_mailbox_cursors table, read and written here only. */
@Injectable()
export class MailboxCursorsRepository {
  constructor(@InjectDataSource() private readonly ds: DataSource) {}

  async get(mailbox: string): Promise<MailboxCursor | null> {
    const row = await this.ds.getRepository(MailboxCursorEntity).findOneBy({ mailbox });
    return row ? { uidValidity: row.uidValidity, lastUid: Number(row.lastUid) } : null;
  }

  /** Keeps the place (written by the one poller holding the cluster lock). Safe to retry. */
  async save(mailbox: string, cursor: MailboxCursor, at: Date): Promise<void> {
    const repo = this.ds.getRepository(MailboxCursorEntity);
    const row = { uidValidity: cursor.uidValidity, lastUid: String(cursor.lastUid), updatedAt: at };
    if ((await repo.update({ mailbox }, row)).affected) return;
    try {
      await repo.insert({ mailbox, ...row });
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
      await repo.update({ mailbox }, row);
    }
  }
}
