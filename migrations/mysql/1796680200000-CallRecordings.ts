import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Recordings kept with their calls, and each queue's recording rule (when, how consent is had, how long kept). */
export class CallRecordings1796680200000 implements MigrationInterface {
  name = 'CallRecordings1796680200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`call_recordings\` (\`id\` varchar(36) NOT NULL, \`conversation_id\` varchar(36) NOT NULL, \`recording_sid\` varchar(64) NOT NULL, \`call_sid\` varchar(64) NOT NULL, \`status\` varchar(12) NOT NULL, \`url\` varchar(500) NULL, \`duration_seconds\` int NULL, \`started_by\` varchar(36) NULL, \`consent\` varchar(16) NOT NULL, \`delete_after\` datetime(3) NULL, \`deleted_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`ix_call_recordings_delete\` (\`delete_after\`), INDEX \`ix_call_recordings_conversation\` (\`conversation_id\`, \`created_at\`), UNIQUE INDEX \`ux_call_recordings_sid\` (\`recording_sid\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`dial_queues\` ADD \`recording_mode\` varchar(12) NOT NULL DEFAULT 'never'`);
    await queryRunner.query(`ALTER TABLE \`dial_queues\` ADD \`recording_consent\` varchar(16) NOT NULL DEFAULT 'announce'`);
    await queryRunner.query(`ALTER TABLE \`dial_queues\` ADD \`recording_announcement\` varchar(500) NULL`);
    await queryRunner.query(`ALTER TABLE \`dial_queues\` ADD \`recording_retention_days\` int NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`dial_queues\` DROP COLUMN \`recording_retention_days\``);
    await queryRunner.query(`ALTER TABLE \`dial_queues\` DROP COLUMN \`recording_announcement\``);
    await queryRunner.query(`ALTER TABLE \`dial_queues\` DROP COLUMN \`recording_consent\``);
    await queryRunner.query(`ALTER TABLE \`dial_queues\` DROP COLUMN \`recording_mode\``);
    await queryRunner.query(`DROP TABLE \`call_recordings\``);
  }
}
