import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Step automations, their firings, "Still interested?" answers, and a schedule's coordinator and watchers. */
export class StepAutomations1796232862715 implements MigrationInterface {
  name = 'StepAutomations1796232862715';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`step_automations\` (\`id\` varchar(36) NOT NULL, \`schedule_id\` varchar(36) NOT NULL, \`step_id\` varchar(36) NOT NULL, \`position\` int NOT NULL, \`name\` varchar(120) NULL, \`active\` tinyint NOT NULL, \`trigger_kind\` varchar(12) NOT NULL, \`trigger\` text NOT NULL, \`actions\` text NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`ix_step_automations_step\` (\`step_id\`, \`position\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`automation_runs\` (\`id\` varchar(36) NOT NULL, \`run_key\` varchar(120) NOT NULL, \`automation_id\` varchar(36) NOT NULL, \`schedule_id\` varchar(36) NOT NULL, \`step_id\` varchar(36) NOT NULL, \`enrollment_id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`participant_action_id\` varchar(36) NOT NULL, \`occurrence\` int NOT NULL, \`trigger_kind\` varchar(12) NOT NULL, \`status\` varchar(12) NOT NULL, \`due_at\` datetime(3) NOT NULL, \`fired_at\` datetime(3) NULL, \`results\` text NULL, \`detail\` text NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`ix_automation_runs_enrollment\` (\`enrollment_id\`, \`status\`), INDEX \`ix_automation_runs_stay\` (\`participant_action_id\`, \`status\`), INDEX \`ix_automation_runs_due\` (\`status\`, \`due_at\`), UNIQUE INDEX \`ux_automation_runs_key\` (\`run_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`interest_answers\` (\`id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`enrollment_id\` varchar(36) NOT NULL, \`step_id\` varchar(36) NOT NULL, \`participant_action_id\` varchar(36) NOT NULL, \`answer\` varchar(3) NOT NULL, \`effect\` varchar(16) NOT NULL, \`answered_at\` datetime(3) NOT NULL, INDEX \`ix_interest_answers_lead\` (\`lead_id\`, \`answered_at\`), UNIQUE INDEX \`ux_interest_answers_stay\` (\`participant_action_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`schedules\` ADD \`coordinator_id\` varchar(36) NULL`);
    await queryRunner.query(`ALTER TABLE \`schedules\` ADD \`watcher_ids\` varchar(2000) NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`schedules\` DROP COLUMN \`watcher_ids\``);
    await queryRunner.query(`ALTER TABLE \`schedules\` DROP COLUMN \`coordinator_id\``);
    await queryRunner.query(`DROP INDEX \`ux_interest_answers_stay\` ON \`interest_answers\``);
    await queryRunner.query(`DROP INDEX \`ix_interest_answers_lead\` ON \`interest_answers\``);
    await queryRunner.query(`DROP TABLE \`interest_answers\``);
    await queryRunner.query(`DROP INDEX \`ux_automation_runs_key\` ON \`automation_runs\``);
    await queryRunner.query(`DROP INDEX \`ix_automation_runs_due\` ON \`automation_runs\``);
    await queryRunner.query(`DROP INDEX \`ix_automation_runs_stay\` ON \`automation_runs\``);
    await queryRunner.query(`DROP INDEX \`ix_automation_runs_enrollment\` ON \`automation_runs\``);
    await queryRunner.query(`DROP TABLE \`automation_runs\``);
    await queryRunner.query(`DROP INDEX \`ix_step_automations_step\` ON \`step_automations\``);
    await queryRunner.query(`DROP TABLE \`step_automations\``);
  }
}
