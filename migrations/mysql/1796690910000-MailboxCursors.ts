import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The mailbox poller's place in each mailbox (UIDVALIDITY and the last UID taken in). */
export class MailboxCursors1796690910000 implements MigrationInterface {
  name = 'MailboxCursors1796690910000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`email_mailbox_cursors\` (\`mailbox\` varchar(300) NOT NULL, \`uid_validity\` varchar(20) NOT NULL, \`last_uid\` varchar(20) NOT NULL, \`updated_at\` datetime(3) NOT NULL, PRIMARY KEY (\`mailbox\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`email_mailbox_cursors\``);
  }
}
