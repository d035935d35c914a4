import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Telephony1795348142229 implements MigrationInterface {
  name = 'Telephony1795348142229';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`conversations\` (\`id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NULL, \`agent_id\` varchar(36) NULL, \`channel\` varchar(8) NOT NULL, \`direction\` varchar(8) NOT NULL, \`from_number\` varchar(20) NOT NULL, \`to_number\` varchar(20) NOT NULL, \`provider_sid\` varchar(64) NULL, \`status\` varchar(16) NOT NULL, \`body\` text NULL, \`answered_by\` varchar(24) NULL, \`created_at\` datetime(3) NOT NULL, \`ringing_at\` datetime(3) NULL, \`answered_at\` datetime(3) NULL, \`ended_at\` datetime(3) NULL, \`duration_seconds\` int NULL, \`disposition\` varchar(64) NULL, \`disposition_by\` varchar(36) NULL, \`disposition_at\` datetime(3) NULL, \`notes\` text NULL, \`recording_url\` varchar(500) NULL, \`error_code\` varchar(16) NULL, \`error_message\` varchar(300) NULL, \`pool_id\` varchar(36) NULL, \`pool_number_id\` varchar(36) NULL, \`cause_type\` varchar(24) NULL, \`cause_id\` varchar(64) NULL, \`idempotency_key\` varchar(120) NULL, \`last_sequence\` int NOT NULL DEFAULT '-1', \`updated_at\` datetime(3) NOT NULL, INDEX \`ix_conversations_created\` (\`created_at\`), INDEX \`ix_conversations_open\` (\`status\`, \`created_at\`), INDEX \`ix_conversations_agent\` (\`agent_id\`, \`created_at\`), INDEX \`ix_conversations_lead\` (\`lead_id\`, \`created_at\`), UNIQUE INDEX \`ux_conversations_idempotency\` (\`idempotency_key\`), UNIQUE INDEX \`ux_conversations_provider_sid\` (\`provider_sid\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`conversation_events\` (\`id\` varchar(36) NOT NULL, \`conversation_id\` varchar(36) NOT NULL, \`status\` varchar(24) NOT NULL, \`sequence\` int NULL, \`applied\` tinyint NOT NULL, \`source\` varchar(16) NOT NULL, \`payload\` text NOT NULL, \`received_at\` datetime(3) NOT NULL, INDEX \`ix_conversation_events_conversation\` (\`conversation_id\`, \`received_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`rate_limits\` (\`name\` varchar(32) NOT NULL, \`next_slot_at\` datetime(3) NOT NULL, PRIMARY KEY (\`name\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`ring_pools\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(100) NOT NULL, \`strategy\` varchar(16) NOT NULL, \`daily_call_cap\` int NOT NULL, \`daily_sms_cap\` int NOT NULL, \`quarantine_enabled\` tinyint NOT NULL, \`quarantine_min_calls\` int NOT NULL, \`quarantine_ratio_pct\` int NOT NULL, \`cool_down_hours\` int NOT NULL, \`rr_cursor\` int NOT NULL DEFAULT '0', \`active\` tinyint NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`ux_ring_pools_name\` (\`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`pool_numbers\` (\`id\` varchar(36) NOT NULL, \`pool_id\` varchar(36) NOT NULL, \`e164\` varchar(20) NOT NULL, \`carrier_sid\` varchar(64) NULL, \`voice\` tinyint NOT NULL, \`sms\` tinyint NOT NULL, \`region\` varchar(8) NULL, \`area_code\` varchar(3) NULL, \`status\` varchar(16) NOT NULL, \`quarantined_until\` datetime(3) NULL, \`quarantine_reason\` varchar(300) NULL, \`last_used_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_pool_numbers_pool\` (\`pool_id\`, \`status\`), UNIQUE INDEX \`ux_pool_numbers_e164\` (\`e164\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`pool_number_usage\` (\`number_id\` varchar(36) NOT NULL, \`day\` varchar(10) NOT NULL, \`calls\` int NOT NULL DEFAULT '0', \`answered\` int NOT NULL DEFAULT '0', \`sms\` int NOT NULL DEFAULT '0', PRIMARY KEY (\`number_id\`, \`day\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`pool_number_usage\``);
    await queryRunner.query(`DROP INDEX \`ux_pool_numbers_e164\` ON \`pool_numbers\``);
    await queryRunner.query(`DROP INDEX \`ix_pool_numbers_pool\` ON \`pool_numbers\``);
    await queryRunner.query(`DROP TABLE \`pool_numbers\``);
    await queryRunner.query(`DROP INDEX \`ux_ring_pools_name\` ON \`ring_pools\``);
    await queryRunner.query(`DROP TABLE \`ring_pools\``);
    await queryRunner.query(`DROP TABLE \`rate_limits\``);
    await queryRunner.query(`DROP INDEX \`ix_conversation_events_conversation\` ON \`conversation_events\``);
    await queryRunner.query(`DROP TABLE \`conversation_events\``);
    await queryRunner.query(`DROP INDEX \`ux_conversations_provider_sid\` ON \`conversations\``);
    await queryRunner.query(`DROP INDEX \`ux_conversations_idempotency\` ON \`conversations\``);
    await queryRunner.query(`DROP INDEX \`ix_conversations_lead\` ON \`conversations\``);
    await queryRunner.query(`DROP INDEX \`ix_conversations_agent\` ON \`conversations\``);
    await queryRunner.query(`DROP INDEX \`ix_conversations_open\` ON \`conversations\``);
    await queryRunner.query(`DROP INDEX \`ix_conversations_created\` ON \`conversations\``);
    await queryRunner.query(`DROP TABLE \`conversations\``);
  }
}
