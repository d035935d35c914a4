import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reports emailed as CSV on a schedule to users; an email may go to one of our users rather than a lead. */
export class ReportSubscriptions1796691600000 implements MigrationInterface {
  name = 'ReportSubscriptions1796691600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`report_subscriptions\` (\`id\` varchar(36) NOT NULL, \`report\` varchar(32) NOT NULL, \`queue_id\` varchar(36) NULL, \`agent_id\` varchar(36) NULL, \`group_by\` varchar(16) NOT NULL, \`range_kind\` varchar(16) NOT NULL, \`recipients\` text NOT NULL, \`send_minute\` int NOT NULL DEFAULT '420', \`active\` tinyint NOT NULL DEFAULT 1, \`created_by\` varchar(36) NOT NULL, \`last_sent_for\` varchar(10) NULL, \`claimed_by\` varchar(64) NULL, \`claimed_until\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`ix_report_subscriptions_due\` (\`active\`, \`last_sent_for\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`email_messages\` MODIFY \`lead_id\` varchar(36) NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM \`email_messages\` WHERE \`lead_id\` IS NULL`);
    await queryRunner.query(`ALTER TABLE \`email_messages\` MODIFY \`lead_id\` varchar(36) NOT NULL`);
    await queryRunner.query(`DROP TABLE \`report_subscriptions\``);
  }
}
