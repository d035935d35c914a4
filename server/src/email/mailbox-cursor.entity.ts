import { Column, Entity, PrimaryColumn } from 'typeorm';
import { InstantColumn } from '../database/columns.js';

/**
 * Where the mailbox poller is in one mailbox: the highest UID it has taken in (every
 * lower one taken too) under the mailbox's UIDVALIDITY, so a restarted poller goes on
 * from there: nothing read twice, nothing skipped.
 */
@Entity('email_mailbox_cursors')
export class MailboxCursorEntity {
  /** `user@host:port/mailbox`. */
  @PrimaryColumn({ type: 'varchar', length: 300 })
  mailbox: string;

  /** The mailbox's UIDVALIDITY (up to 2^32 - 1): when it changes, the UIDs mean other messages. */
  @Column({ name: 'uid_validity', type: 'varchar', length: 20 })
  uidValidity: string;

  /** UIDs go up to 2^32 - 1: kept as text, read as a number. */
  @Column({ name: 'last_uid', type: 'varchar', length: 20 })
  lastUid: string;

  @InstantColumn({ name: 'updated_at' })
  updatedAt: Date;
}
