import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AgentsAndDeliveries1796168523261 implements MigrationInterface {
  name = 'AgentsAndDeliveries1796168523261';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`agent_presence\` (\`user_id\` varchar(36) NOT NULL, \`state\` varchar(16) NOT NULL, \`reason\` varchar(64) NULL, \`state_since\` datetime(3) NOT NULL, \`last_heartbeat_at\` datetime(3) NULL, \`stale\` tinyint NOT NULL DEFAULT 0, \`health\` varchar(200) NULL, \`updated_at\` datetime(3) NOT NULL, PRIMARY KEY (\`user_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`agent_state_changes\` (\`id\` varchar(36) NOT NULL, \`user_id\` varchar(36) NOT NULL, \`from_state\` varchar(16) NOT NULL, \`to_state\` varchar(16) NOT NULL, \`reason\` varchar(64) NULL, \`actor_id\` varchar(36) NULL, \`at\` datetime(3) NOT NULL, \`duration_ms\` bigint NOT NULL, INDEX \`ix_agent_state_changes_user\` (\`user_id\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`work_deliveries\` (\`id\` varchar(36) NOT NULL, \`user_id\` varchar(36) NOT NULL, \`kind\` varchar(24) NOT NULL, \`item_id\` varchar(36) NOT NULL, \`payload\` text NOT NULL, \`attempts\` int NOT NULL DEFAULT '1', \`offered_at\` datetime(3) NOT NULL, \`sent_at\` datetime(3) NOT NULL, \`acked_at\` datetime(3) NULL, \`withdrawn_at\` datetime(3) NULL, INDEX \`ix_work_deliveries_user_open\` (\`user_id\`, \`acked_at\`, \`withdrawn_at\`), UNIQUE INDEX \`ux_work_deliveries_item_user\` (\`kind\`, \`item_id\`, \`user_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`account_settings\` ADD \`agent_rules\` text NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`account_settings\` DROP COLUMN \`agent_rules\``);
    await queryRunner.query(`DROP INDEX \`ux_work_deliveries_item_user\` ON \`work_deliveries\``);
    await queryRunner.query(`DROP INDEX \`ix_work_deliveries_user_open\` ON \`work_deliveries\``);
    await queryRunner.query(`DROP TABLE \`work_deliveries\``);
    await queryRunner.query(`DROP INDEX \`ix_agent_state_changes_user\` ON \`agent_state_changes\``);
    await queryRunner.query(`DROP TABLE \`agent_state_changes\``);
    await queryRunner.query(`DROP TABLE \`agent_presence\``);
  }
}
