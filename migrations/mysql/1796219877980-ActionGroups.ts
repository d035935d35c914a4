import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Action groups (named bundles of actions with their keyword phrases), their runs keyed once per trigger and subject, and each run's audit trail. */
export class ActionGroups1796219877980 implements MigrationInterface {
  name = 'ActionGroups1796219877980';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`action_groups\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(120) NOT NULL, \`name_key\` varchar(120) NOT NULL, \`description\` text NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`actions\` text NOT NULL, \`keywords\` text NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`ux_action_groups_name\` (\`name_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`action_group_runs\` (\`id\` varchar(36) NOT NULL, \`group_id\` varchar(36) NOT NULL, \`run_key\` varchar(255) NOT NULL, \`trigger\` varchar(16) NOT NULL, \`trigger_ref\` varchar(200) NULL, \`lead_id\` varchar(36) NOT NULL, \`conversation_id\` varchar(36) NULL, \`enrollment_id\` varchar(36) NULL, \`actor_id\` varchar(36) NULL, \`status\` varchar(12) NOT NULL, \`started_at\` datetime(3) NOT NULL, \`finished_at\` datetime(3) NULL, INDEX \`ix_action_group_runs_lead\` (\`lead_id\`, \`started_at\`), INDEX \`ix_action_group_runs_group\` (\`group_id\`, \`started_at\`), UNIQUE INDEX \`ux_action_group_runs_key\` (\`run_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`action_group_run_steps\` (\`id\` varchar(36) NOT NULL, \`run_id\` varchar(36) NOT NULL, \`path\` varchar(64) NOT NULL, \`group_id\` varchar(36) NOT NULL, \`type\` varchar(32) NOT NULL, \`input\` text NOT NULL, \`status\` varchar(12) NOT NULL, \`outcome\` varchar(64) NULL, \`detail\` text NULL, \`error\` text NULL, \`started_at\` datetime(3) NOT NULL, \`finished_at\` datetime(3) NULL, \`duration_ms\` int NULL, UNIQUE INDEX \`ux_action_group_run_steps_path\` (\`run_id\`, \`path\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ux_action_group_run_steps_path\` ON \`action_group_run_steps\``);
    await queryRunner.query(`DROP TABLE \`action_group_run_steps\``);
    await queryRunner.query(`DROP INDEX \`ux_action_group_runs_key\` ON \`action_group_runs\``);
    await queryRunner.query(`DROP INDEX \`ix_action_group_runs_group\` ON \`action_group_runs\``);
    await queryRunner.query(`DROP INDEX \`ix_action_group_runs_lead\` ON \`action_group_runs\``);
    await queryRunner.query(`DROP TABLE \`action_group_runs\``);
    await queryRunner.query(`DROP INDEX \`ux_action_groups_name\` ON \`action_groups\``);
    await queryRunner.query(`DROP TABLE \`action_groups\``);
  }
}
