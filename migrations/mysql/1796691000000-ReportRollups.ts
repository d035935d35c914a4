import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportRollups1796691000000 implements MigrationInterface {
  name = 'ReportRollups1796691000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`report_call_hours\` (\`hour\` datetime(3) NOT NULL, \`queue_id\` varchar(36) NOT NULL, \`agent_id\` varchar(36) NOT NULL, \`dials\` int NOT NULL DEFAULT '0', \`answers\` int NOT NULL DEFAULT '0', \`human_answers\` int NOT NULL DEFAULT '0', \`machine_answers\` int NOT NULL DEFAULT '0', \`voicemail_drops\` int NOT NULL DEFAULT '0', \`abandons\` int NOT NULL DEFAULT '0', \`handled\` int NOT NULL DEFAULT '0', \`talk_seconds\` int NOT NULL DEFAULT '0', \`hold_seconds\` int NOT NULL DEFAULT '0', \`contacts\` int NOT NULL DEFAULT '0', \`conversions\` int NOT NULL DEFAULT '0', PRIMARY KEY (\`hour\`, \`queue_id\`, \`agent_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`report_state_hours\` (\`hour\` datetime(3) NOT NULL, \`agent_id\` varchar(36) NOT NULL, \`state\` varchar(16) NOT NULL, \`reason\` varchar(64) NOT NULL, \`seconds\` int NOT NULL DEFAULT '0', PRIMARY KEY (\`hour\`, \`agent_id\`, \`state\`, \`reason\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`report_disposition_hours\` (\`hour\` datetime(3) NOT NULL, \`queue_id\` varchar(36) NOT NULL, \`agent_id\` varchar(36) NOT NULL, \`code\` varchar(64) NOT NULL, \`calls\` int NOT NULL DEFAULT '0', PRIMARY KEY (\`hour\`, \`queue_id\`, \`agent_id\`, \`code\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`report_watermarks\` (\`name\` varchar(40) NOT NULL, \`at\` datetime(3) NOT NULL, PRIMARY KEY (\`name\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE INDEX \`ix_agent_state_changes_at\` ON \`agent_state_changes\` (\`at\`)`);
    await queryRunner.query(`CREATE INDEX \`ix_dial_calls_placed\` ON \`dial_calls\` (\`placed_at\`)`);
    await queryRunner.query(`CREATE INDEX \`ix_disposition_changes_at\` ON \`disposition_changes\` (\`at\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_disposition_changes_at\` ON \`disposition_changes\``);
    await queryRunner.query(`DROP INDEX \`ix_dial_calls_placed\` ON \`dial_calls\``);
    await queryRunner.query(`DROP INDEX \`ix_agent_state_changes_at\` ON \`agent_state_changes\``);
    await queryRunner.query(`DROP TABLE \`report_watermarks\``);
    await queryRunner.query(`DROP TABLE \`report_disposition_hours\``);
    await queryRunner.query(`DROP TABLE \`report_state_hours\``);
    await queryRunner.query(`DROP TABLE \`report_call_hours\``);
  }
}
