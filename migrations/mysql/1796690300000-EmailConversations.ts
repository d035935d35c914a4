import type { MigrationInterface, QueryRunner } from 'typeorm';

/** An email kept as a conversation: its cc, bcc and reply-to, who sent it, and its thread (In-Reply-To, References, the thread's first Message-ID). */
export class EmailConversations1796690300000 implements MigrationInterface {
  name = 'EmailConversations1796690300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`email_messages\` ADD \`cc\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`email_messages\` ADD \`bcc\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`email_messages\` ADD \`reply_to\` varchar(254) NULL`);
    await queryRunner.query(`ALTER TABLE \`email_messages\` ADD \`sent_by\` varchar(36) NULL`);
    await queryRunner.query(`ALTER TABLE \`email_messages\` ADD \`in_reply_to\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`email_messages\` ADD \`references_header\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`email_messages\` ADD \`thread_id\` varchar(300) NULL`);
    await queryRunner.query(`CREATE INDEX \`ix_email_messages_action\` ON \`email_messages\` (\`participant_action_id\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_email_messages_action\` ON \`email_messages\``);
    for (const c of ['thread_id', 'references_header', 'in_reply_to', 'sent_by', 'reply_to', 'bcc', 'cc']) await queryRunner.query(`ALTER TABLE \`email_messages\` DROP COLUMN \`${c}\``);
  }
}
