import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Power-dial queues, their agents, the leads waiting in them and every call they place. */
export class DialQueues1796181118262 implements MigrationInterface {
  name = 'DialQueues1796181118262';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`dial_queues\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(120) NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`mode\` varchar(16) NOT NULL, \`ring_pool_id\` varchar(36) NULL, \`calling_window\` varchar(64) NULL, \`retry_rules\` text NOT NULL, \`ring_seconds\` int NOT NULL, \`preview_seconds\` int NOT NULL, \`machine_action\` varchar(16) NOT NULL, \`voicemail_message\` text NULL, \`abandon_message\` text NOT NULL, \`max_lines_per_agent\` int NOT NULL, \`abandon_cap_bp\` int NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`IDX_25800e1f1fef5135690afb9df5\` (\`name\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`dial_queue_agents\` (\`queue_id\` varchar(36) NOT NULL, \`user_id\` varchar(36) NOT NULL, INDEX \`ix_dial_queue_agents_user\` (\`user_id\`), PRIMARY KEY (\`queue_id\`, \`user_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`dial_queue_items\` (\`id\` varchar(36) NOT NULL, \`queue_id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`source\` varchar(12) NOT NULL, \`source_id\` varchar(36) NULL, \`callback_first\` smallint NOT NULL DEFAULT '0', \`priority\` int NOT NULL DEFAULT '0', \`due_at\` datetime(3) NOT NULL, \`owner_id\` varchar(36) NULL, \`status\` varchar(12) NOT NULL, \`attempts\` int NOT NULL DEFAULT '0', \`last_outcome\` varchar(24) NULL, \`detail\` varchar(300) NULL, \`agent_id\` varchar(36) NULL, \`reserved_at\` datetime(3) NULL, \`conversation_id\` varchar(36) NULL, \`active_key\` varchar(80) NULL, \`busy_key\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`ix_dial_queue_items_lead\` (\`lead_id\`), INDEX \`ix_dial_queue_items_next\` (\`queue_id\`, \`status\`, \`callback_first\` DESC, \`priority\` DESC, \`due_at\`), UNIQUE INDEX \`IDX_bcdc181497ccd97eef4a4550ac\` (\`active_key\`), UNIQUE INDEX \`IDX_8f846e34d7104feb18fb4c1c87\` (\`busy_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`dial_calls\` (\`conversation_id\` varchar(36) NOT NULL, \`queue_id\` varchar(36) NOT NULL, \`item_id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`agent_id\` varchar(36) NULL, \`placed_at\` datetime(3) NOT NULL, \`answered_at\` datetime(3) NULL, \`bridged_at\` datetime(3) NULL, \`ended_at\` datetime(3) NULL, \`human\` tinyint NOT NULL DEFAULT 0, \`outcome\` varchar(16) NULL, \`talk_seconds\` int NULL, INDEX \`ix_dial_calls_queue_placed\` (\`queue_id\`, \`placed_at\`), PRIMARY KEY (\`conversation_id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_dial_calls_queue_placed\` ON \`dial_calls\``);
    await queryRunner.query(`DROP TABLE \`dial_calls\``);
    await queryRunner.query(`DROP INDEX \`IDX_8f846e34d7104feb18fb4c1c87\` ON \`dial_queue_items\``);
    await queryRunner.query(`DROP INDEX \`IDX_bcdc181497ccd97eef4a4550ac\` ON \`dial_queue_items\``);
    await queryRunner.query(`DROP INDEX \`ix_dial_queue_items_next\` ON \`dial_queue_items\``);
    await queryRunner.query(`DROP INDEX \`ix_dial_queue_items_lead\` ON \`dial_queue_items\``);
    await queryRunner.query(`DROP TABLE \`dial_queue_items\``);
    await queryRunner.query(`DROP INDEX \`ix_dial_queue_agents_user\` ON \`dial_queue_agents\``);
    await queryRunner.query(`DROP TABLE \`dial_queue_agents\``);
    await queryRunner.query(`DROP INDEX \`IDX_25800e1f1fef5135690afb9df5\` ON \`dial_queues\``);
    await queryRunner.query(`DROP TABLE \`dial_queues\``);
  }
}
