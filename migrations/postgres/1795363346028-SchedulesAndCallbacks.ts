import type { MigrationInterface, QueryRunner } from 'typeorm';

export class SchedulesAndCallbacks1795363346028 implements MigrationInterface {
  name = 'SchedulesAndCallbacks1795363346028';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "callbacks" ("id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "due_at" TIMESTAMP(3) NOT NULL, "owner_id" character varying(36), "queue_id" character varying(36), "note" text, "origin" character varying(16) NOT NULL, "status" character varying(12) NOT NULL, "escalate_after_minutes" integer NOT NULL, "became_due_at" TIMESTAMP(3), "escalated_at" TIMESTAMP(3), "taken_by" character varying(36), "taken_at" TIMESTAMP(3), "completed_at" TIMESTAMP(3), "outcome" character varying(64), "held_reason" text, "created_by" character varying(36), "enrollment_id" character varying(36), "conversation_id" character varying(36), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_8090fb14d5629af03bc043429d0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_callbacks_lead" ON "callbacks"  ("lead_id") `);
    await queryRunner.query(`CREATE INDEX "ix_callbacks_owner" ON "callbacks"  ("owner_id", "status", "due_at") `);
    await queryRunner.query(`CREATE INDEX "ix_callbacks_due" ON "callbacks"  ("status", "due_at") `);
    await queryRunner.query(`CREATE TABLE "schedules" ("id" character varying(36) NOT NULL, "name" character varying(120) NOT NULL, "name_key" character varying(120) NOT NULL, "description" text, "active" boolean NOT NULL, "timezone" character varying(64), "business_start" character varying(5) NOT NULL, "business_end" character varying(5) NOT NULL, "business_days" character varying(20) NOT NULL, "exclude_weekends" boolean NOT NULL, "holidays" text NOT NULL, "drip_per_hour" integer, "drip_per_day" integer, "dial_pool_id" character varying(36), "sms_pool_id" character varying(36), "delegation_field" character varying(64), "exit_criteria" text NOT NULL, "allow_reenrollment" boolean NOT NULL, "exclusive" boolean NOT NULL, "priority" integer NOT NULL, "created_by" character varying(36), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, "deleted_at" TIMESTAMP(3), CONSTRAINT "PK_7e33fc2ea755a5765e3564e66dd" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_schedules_name" ON "schedules"  ("name_key") `);
    await queryRunner.query(`CREATE TABLE "schedule_steps" ("id" character varying(36) NOT NULL, "schedule_id" character varying(36) NOT NULL, "position" integer NOT NULL, "type" character varying(32) NOT NULL, "name" character varying(120), "config" text NOT NULL, "timing" text NOT NULL, "timing_window" character varying(24) NOT NULL, "activation" character varying(12) NOT NULL, "criteria" text, "criteria_mode" character varying(8) NOT NULL, "field_updates" text, "owner_field" character varying(64), "on_refusal" character varying(8) NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, "deleted_at" TIMESTAMP(3), CONSTRAINT "PK_cdcd89b7bf07500eb5ed4ae19b3" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_schedule_steps_schedule" ON "schedule_steps"  ("schedule_id", "position") `);
    await queryRunner.query(`CREATE TABLE "schedule_enrollments" ("id" character varying(36) NOT NULL, "schedule_id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "status" character varying(12) NOT NULL, "active_key" character varying(80), "current_step_id" character varying(36), "source" character varying(16) NOT NULL, "enrolled_by" character varying(36), "enrolled_at" TIMESTAMP(3) NOT NULL, "starts_at" TIMESTAMP(3) NOT NULL, "exit_reason" character varying(64), "ended_at" TIMESTAMP(3), "paused_at" TIMESTAMP(3), "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_d246db16100357e4fd92bdc34ea" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_enrollments_starts" ON "schedule_enrollments"  ("schedule_id", "starts_at") `);
    await queryRunner.query(`CREATE INDEX "ix_enrollments_schedule" ON "schedule_enrollments"  ("schedule_id", "status") `);
    await queryRunner.query(`CREATE INDEX "ix_enrollments_lead" ON "schedule_enrollments"  ("lead_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_enrollments_active" ON "schedule_enrollments"  ("active_key") `);
    await queryRunner.query(`CREATE TABLE "participant_actions" ("id" character varying(36) NOT NULL, "enrollment_id" character varying(36) NOT NULL, "schedule_id" character varying(36) NOT NULL, "step_id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "type" character varying(32) NOT NULL, "activation" character varying(12) NOT NULL, "owner_id" character varying(36), "status" character varying(12) NOT NULL, "due_at" TIMESTAMP(3) NOT NULL, "basis_at" TIMESTAMP(3) NOT NULL, "outcome" character varying(64), "detail" text, "attempts" integer NOT NULL, "conversation_id" character varying(36), "started_at" TIMESTAMP(3), "completed_at" TIMESTAMP(3), "completed_by" character varying(36), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_ede7e2df8bdf07e2865f47466eb" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_participant_actions_lead" ON "participant_actions"  ("lead_id") `);
    await queryRunner.query(`CREATE INDEX "ix_participant_actions_due" ON "participant_actions"  ("status", "due_at") `);
    await queryRunner.query(`CREATE INDEX "ix_participant_actions_step" ON "participant_actions"  ("step_id", "status") `);
    await queryRunner.query(`CREATE INDEX "ix_participant_actions_enrollment" ON "participant_actions"  ("enrollment_id") `);
    await queryRunner.query(`CREATE INDEX "ix_participant_actions_owner" ON "participant_actions"  ("owner_id", "status", "due_at") `);
    await queryRunner.query(`CREATE TABLE "email_messages" ("id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "to_address" character varying(254) NOT NULL, "from_address" character varying(254) NOT NULL, "subject" character varying(300) NOT NULL, "body" text NOT NULL, "status" character varying(12) NOT NULL, "message_id" character varying(300), "idempotency_key" character varying(120) NOT NULL, "error" text, "participant_action_id" character varying(36), "created_at" TIMESTAMP(3) NOT NULL, "sent_at" TIMESTAMP(3), CONSTRAINT "PK_922cad79d5a315f5d1d06b077da" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_email_messages_lead" ON "email_messages"  ("lead_id", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_email_messages_key" ON "email_messages"  ("idempotency_key") `);
    await queryRunner.query(`ALTER TABLE "leads" ADD "instant_dial" boolean NOT NULL DEFAULT false`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "leads" DROP COLUMN "instant_dial"`);
    await queryRunner.query(`DROP INDEX "public"."ux_email_messages_key"`);
    await queryRunner.query(`DROP INDEX "public"."ix_email_messages_lead"`);
    await queryRunner.query(`DROP TABLE "email_messages"`);
    await queryRunner.query(`DROP INDEX "public"."ix_participant_actions_owner"`);
    await queryRunner.query(`DROP INDEX "public"."ix_participant_actions_enrollment"`);
    await queryRunner.query(`DROP INDEX "public"."ix_participant_actions_step"`);
    await queryRunner.query(`DROP INDEX "public"."ix_participant_actions_due"`);
    await queryRunner.query(`DROP INDEX "public"."ix_participant_actions_lead"`);
    await queryRunner.query(`DROP TABLE "participant_actions"`);
    await queryRunner.query(`DROP INDEX "public"."ux_enrollments_active"`);
    await queryRunner.query(`DROP INDEX "public"."ix_enrollments_lead"`);
    await queryRunner.query(`DROP INDEX "public"."ix_enrollments_schedule"`);
    await queryRunner.query(`DROP INDEX "public"."ix_enrollments_starts"`);
    await queryRunner.query(`DROP TABLE "schedule_enrollments"`);
    await queryRunner.query(`DROP INDEX "public"."ix_schedule_steps_schedule"`);
    await queryRunner.query(`DROP TABLE "schedule_steps"`);
    await queryRunner.query(`DROP INDEX "public"."ux_schedules_name"`);
    await queryRunner.query(`DROP TABLE "schedules"`);
    await queryRunner.query(`DROP INDEX "public"."ix_callbacks_due"`);
    await queryRunner.query(`DROP INDEX "public"."ix_callbacks_owner"`);
    await queryRunner.query(`DROP INDEX "public"."ix_callbacks_lead"`);
    await queryRunner.query(`DROP TABLE "callbacks"`);
  }
}
