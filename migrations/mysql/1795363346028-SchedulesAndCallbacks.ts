import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SchedulesAndCallbacks1795363346028 implements MigrationInterface {
  name = 'SchedulesAndCallbacks1795363346028';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`callbacks\` (\`id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`due_at\` datetime(3) NOT NULL, \`owner_id\` varchar(36) NULL, \`queue_id\` varchar(36) NULL, \`note\` text NULL, \`origin\` varchar(16) NOT NULL, \`status\` varchar(12) NOT NULL, \`escalate_after_minutes\` int NOT NULL, \`became_due_at\` datetime(3) NULL, \`escalated_at\` datetime(3) NULL, \`taken_by\` varchar(36) NULL, \`taken_at\` datetime(3) NULL, \`completed_at\` datetime(3) NULL, \`outcome\` varchar(64) NULL, \`held_reason\` text NULL, \`created_by\` varchar(36) NULL, \`enrollment_id\` varchar(36) NULL, \`conversation_id\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`ix_callbacks_lead\` (\`lead_id\`), INDEX \`ix_callbacks_owner\` (\`owner_id\`, \`status\`, \`due_at\`), INDEX \`ix_callbacks_due\` (\`status\`, \`due_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`schedules\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(120) NOT NULL, \`name_key\` varchar(120) NOT NULL, \`description\` text NULL, \`active\` tinyint NOT NULL, \`timezone\` varchar(64) NULL, \`business_start\` varchar(5) NOT NULL, \`business_end\` varchar(5) NOT NULL, \`business_days\` varchar(20) NOT NULL, \`exclude_weekends\` tinyint NOT NULL, \`holidays\` text NOT NULL, \`drip_per_hour\` int NULL, \`drip_per_day\` int NULL, \`dial_pool_id\` varchar(36) NULL, \`sms_pool_id\` varchar(36) NULL, \`delegation_field\` varchar(64) NULL, \`exit_criteria\` text NOT NULL, \`allow_reenrollment\` tinyint NOT NULL, \`exclusive\` tinyint NOT NULL, \`priority\` int NOT NULL, \`created_by\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, \`deleted_at\` datetime(3) NULL, UNIQUE INDEX \`ux_schedules_name\` (\`name_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`schedule_steps\` (\`id\` varchar(36) NOT NULL, \`schedule_id\` varchar(36) NOT NULL, \`position\` int NOT NULL, \`type\` varchar(32) NOT NULL, \`name\` varchar(120) NULL, \`config\` text NOT NULL, \`timing\` text NOT NULL, \`timing_window\` varchar(24) NOT NULL, \`activation\` varchar(12) NOT NULL, \`criteria\` text NULL, \`criteria_mode\` varchar(8) NOT NULL, \`field_updates\` text NULL, \`owner_field\` varchar(64) NULL, \`on_refusal\` varchar(8) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, \`deleted_at\` datetime(3) NULL, INDEX \`ix_schedule_steps_schedule\` (\`schedule_id\`, \`position\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`schedule_enrollments\` (\`id\` varchar(36) NOT NULL, \`schedule_id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`status\` varchar(12) NOT NULL, \`active_key\` varchar(80) NULL, \`current_step_id\` varchar(36) NULL, \`source\` varchar(16) NOT NULL, \`enrolled_by\` varchar(36) NULL, \`enrolled_at\` datetime(3) NOT NULL, \`starts_at\` datetime(3) NOT NULL, \`exit_reason\` varchar(64) NULL, \`ended_at\` datetime(3) NULL, \`paused_at\` datetime(3) NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`ix_enrollments_starts\` (\`schedule_id\`, \`starts_at\`), INDEX \`ix_enrollments_schedule\` (\`schedule_id\`, \`status\`), INDEX \`ix_enrollments_lead\` (\`lead_id\`), UNIQUE INDEX \`ux_enrollments_active\` (\`active_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`participant_actions\` (\`id\` varchar(36) NOT NULL, \`enrollment_id\` varchar(36) NOT NULL, \`schedule_id\` varchar(36) NOT NULL, \`step_id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`type\` varchar(32) NOT NULL, \`activation\` varchar(12) NOT NULL, \`owner_id\` varchar(36) NULL, \`status\` varchar(12) NOT NULL, \`due_at\` datetime(3) NOT NULL, \`basis_at\` datetime(3) NOT NULL, \`outcome\` varchar(64) NULL, \`detail\` text NULL, \`attempts\` int NOT NULL, \`conversation_id\` varchar(36) NULL, \`started_at\` datetime(3) NULL, \`completed_at\` datetime(3) NULL, \`completed_by\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`ix_participant_actions_lead\` (\`lead_id\`), INDEX \`ix_participant_actions_due\` (\`status\`, \`due_at\`), INDEX \`ix_participant_actions_step\` (\`step_id\`, \`status\`), INDEX \`ix_participant_actions_enrollment\` (\`enrollment_id\`), INDEX \`ix_participant_actions_owner\` (\`owner_id\`, \`status\`, \`due_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`email_messages\` (\`id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`to_address\` varchar(254) NOT NULL, \`from_address\` varchar(254) NOT NULL, \`subject\` varchar(300) NOT NULL, \`body\` text NOT NULL, \`status\` varchar(12) NOT NULL, \`message_id\` varchar(300) NULL, \`idempotency_key\` varchar(120) NOT NULL, \`error\` text NULL, \`participant_action_id\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, \`sent_at\` datetime(3) NULL, INDEX \`ix_email_messages_lead\` (\`lead_id\`, \`created_at\`), UNIQUE INDEX \`ux_email_messages_key\` (\`idempotency_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`leads\` ADD \`instant_dial\` tinyint NOT NULL DEFAULT 0`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`leads\` DROP COLUMN \`instant_dial\``);
    await queryRunner.query(`DROP INDEX \`ux_email_messages_key\` ON \`email_messages\``);
    await queryRunner.query(`DROP INDEX \`ix_email_messages_lead\` ON \`email_messages\``);
    await queryRunner.query(`DROP TABLE \`email_messages\``);
    await queryRunner.query(`DROP INDEX \`ix_participant_actions_owner\` ON \`participant_actions\``);
    await queryRunner.query(`DROP INDEX \`ix_participant_actions_enrollment\` ON \`participant_actions\``);
    await queryRunner.query(`DROP INDEX \`ix_participant_actions_step\` ON \`participant_actions\``);
    await queryRunner.query(`DROP INDEX \`ix_participant_actions_due\` ON \`participant_actions\``);
    await queryRunner.query(`DROP INDEX \`ix_participant_actions_lead\` ON \`participant_actions\``);
    await queryRunner.query(`DROP TABLE \`participant_actions\``);
    await queryRunner.query(`DROP INDEX \`ux_enrollments_active\` ON \`schedule_enrollments\``);
    await queryRunner.query(`DROP INDEX \`ix_enrollments_lead\` ON \`schedule_enrollments\``);
    await queryRunner.query(`DROP INDEX \`ix_enrollments_schedule\` ON \`schedule_enrollments\``);
    await queryRunner.query(`DROP INDEX \`ix_enrollments_starts\` ON \`schedule_enrollments\``);
    await queryRunner.query(`DROP TABLE \`schedule_enrollments\``);
    await queryRunner.query(`DROP INDEX \`ix_schedule_steps_schedule\` ON \`schedule_steps\``);
    await queryRunner.query(`DROP TABLE \`schedule_steps\``);
    await queryRunner.query(`DROP INDEX \`ux_schedules_name\` ON \`schedules\``);
    await queryRunner.query(`DROP TABLE \`schedules\``);
    await queryRunner.query(`DROP INDEX \`ix_callbacks_due\` ON \`callbacks\``);
    await queryRunner.query(`DROP INDEX \`ix_callbacks_owner\` ON \`callbacks\``);
    await queryRunner.query(`DROP INDEX \`ix_callbacks_lead\` ON \`callbacks\``);
    await queryRunner.query(`DROP TABLE \`callbacks\``);
  }
}
