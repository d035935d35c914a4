import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportDays1796691400000 implements MigrationInterface {
  name = 'ReportDays1796691400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`report_call_days\` (\`zone\` varchar(64) NOT NULL, \`day\` datetime(3) NOT NULL, \`queue_id\` varchar(36) NOT NULL, \`agent_id\` varchar(36) NOT NULL, \`dials\` int NOT NULL DEFAULT '0', \`answers\` int NOT NULL DEFAULT '0', \`human_answers\` int NOT NULL DEFAULT '0', \`machine_answers\` int NOT NULL DEFAULT '0', \`voicemail_drops\` int NOT NULL DEFAULT '0', \`abandons\` int NOT NULL DEFAULT '0', \`handled\` int NOT NULL DEFAULT '0', \`talk_seconds\` int NOT NULL DEFAULT '0', \`hold_seconds\` int NOT NULL DEFAULT '0', \`contacts\` int NOT NULL DEFAULT '0', \`conversions\` int NOT NULL DEFAULT '0', PRIMARY KEY (\`zone\`, \`day\`, \`queue_id\`, \`agent_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`report_state_days\` (\`zone\` varchar(64) NOT NULL, \`day\` datetime(3) NOT NULL, \`agent_id\` varchar(36) NOT NULL, \`state\` varchar(16) NOT NULL, \`reason\` varchar(64) NOT NULL, \`seconds\` int NOT NULL DEFAULT '0', PRIMARY KEY (\`zone\`, \`day\`, \`agent_id\`, \`state\`, \`reason\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`report_disposition_days\` (\`zone\` varchar(64) NOT NULL, \`day\` datetime(3) NOT NULL, \`queue_id\` varchar(36) NOT NULL, \`agent_id\` varchar(36) NOT NULL, \`code\` varchar(64) NOT NULL, \`calls\` int NOT NULL DEFAULT '0', PRIMARY KEY (\`zone\`, \`day\`, \`queue_id\`, \`agent_id\`, \`code\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`report_disposition_days\``);
    await queryRunner.query(`DROP TABLE \`report_state_days\``);
    await queryRunner.query(`DROP TABLE \`report_call_days\``);
  }
}
