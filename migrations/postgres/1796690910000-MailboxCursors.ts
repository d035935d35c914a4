import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The mailbox poller's place in each mailbox (UIDVALIDITY and the last UID taken in). */
export class MailboxCursors1796690910000 implements MigrationInterface {
  name = 'MailboxCursors1796690910000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "email_mailbox_cursors" ("mailbox" character varying(300) NOT NULL, "uid_validity" character varying(20) NOT NULL, "last_uid" character varying(20) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_email_mailbox_cursors" PRIMARY KEY ("mailbox"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "email_mailbox_cursors"`);
  }
}
