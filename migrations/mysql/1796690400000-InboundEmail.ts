import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Inbound email (replies, delivery reports) and when an outbound one was answered or bounced. */
export class InboundEmail1796690400000 implements MigrationInterface {
  name = 'InboundEmail1796690400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`email_inbound\` (\`id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NULL, \`from_address\` varchar(254) NOT NULL, \`to_address\` varchar(1000) NOT NULL, \`subject\` varchar(300) NOT NULL, \`body\` text NOT NULL, \`message_id\` varchar(300) NOT NULL, \`in_reply_to\` varchar(300) NULL, \`references_header\` text NULL, \`matched_email_id\` varchar(36) NULL, \`kind\` varchar(12) NOT NULL, \`received_at\` datetime(3) NOT NULL, INDEX \`ix_email_inbound_lead\` (\`lead_id\`, \`received_at\`), UNIQUE INDEX \`ux_email_inbound_message_id\` (\`message_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`email_messages\` ADD \`replied_at\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`email_messages\` ADD \`bounced_at\` datetime(3) NULL`);
    await queryRunner.query(`CREATE INDEX \`ix_email_messages_to\` ON \`email_messages\` (\`to_address\`)`);
    await queryRunner.query(`CREATE INDEX \`ix_email_messages_message_id\` ON \`email_messages\` (\`message_id\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_email_messages_message_id\` ON \`email_messages\``);
    await queryRunner.query(`DROP INDEX \`ix_email_messages_to\` ON \`email_messages\``);
    await queryRunner.query(`ALTER TABLE \`email_messages\` DROP COLUMN \`bounced_at\``);
    await queryRunner.query(`ALTER TABLE \`email_messages\` DROP COLUMN \`replied_at\``);
    await queryRunner.query(`DROP INDEX \`ux_email_inbound_message_id\` ON \`email_inbound\``);
    await queryRunner.query(`DROP INDEX \`ix_email_inbound_lead\` ON \`email_inbound\``);
    await queryRunner.query(`DROP TABLE \`email_inbound\``);
  }
}
