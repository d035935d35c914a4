import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The lead's last-contacted mode, filled in from the last activity already recorded. */
export class LeadContactedMode1796234829475 implements MigrationInterface {
  name = 'LeadContactedMode1796234829475';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`leads\` ADD \`last_contacted_mode\` varchar(20) NOT NULL DEFAULT 'not_contacted'`);
    await queryRunner.query(
      "UPDATE `leads` SET `last_contacted_mode` = CASE `last_activity_type` WHEN 'call-out' THEN 'outgoing_call' WHEN 'call-in' THEN 'incoming_call' WHEN 'sms-out' THEN 'sms' WHEN 'sms-in' THEN 'replied' WHEN 'email-in' THEN 'replied' WHEN 'email-out' THEN 'no_reply' WHEN 'email-opened' THEN 'opened_no_reply' WHEN 'email-clicked' THEN 'opened_no_reply' ELSE 'not_contacted' END WHERE `last_activity_type` IS NOT NULL",
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`leads\` DROP COLUMN \`last_contacted_mode\``);
  }
}
