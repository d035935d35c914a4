import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Step automations, their firings, "Still interested?" answers, and a schedule's coordinator and watchers. */
export class StepAutomations1796232862715 implements MigrationInterface {
  name = 'StepAutomations1796232862715';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "step_automations" ("id" character varying(36) NOT NULL, "schedule_id" character varying(36) NOT NULL, "step_id" character varying(36) NOT NULL, "position" integer NOT NULL, "name" character varying(120), "active" boolean NOT NULL, "trigger_kind" character varying(12) NOT NULL, "trigger" text NOT NULL, "actions" text NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_7c7362477fbbe0dc3975955a93b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_step_automations_step" ON "step_automations"  ("step_id", "position") `);
    await queryRunner.query(`CREATE TABLE "automation_runs" ("id" character varying(36) NOT NULL, "run_key" character varying(120) NOT NULL, "automation_id" character varying(36) NOT NULL, "schedule_id" character varying(36) NOT NULL, "step_id" character varying(36) NOT NULL, "enrollment_id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "participant_action_id" character varying(36) NOT NULL, "occurrence" integer NOT NULL, "trigger_kind" character varying(12) NOT NULL, "status" character varying(12) NOT NULL, "due_at" TIMESTAMP(3) NOT NULL, "fired_at" TIMESTAMP(3), "results" text, "detail" text, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_273137fa78ff9340128ab98445f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_automation_runs_enrollment" ON "automation_runs"  ("enrollment_id", "status") `);
    await queryRunner.query(`CREATE INDEX "ix_automation_runs_stay" ON "automation_runs"  ("participant_action_id", "status") `);
    await queryRunner.query(`CREATE INDEX "ix_automation_runs_due" ON "automation_runs"  ("status", "due_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_automation_runs_key" ON "automation_runs"  ("run_key") `);
    await queryRunner.query(`CREATE TABLE "interest_answers" ("id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "enrollment_id" character varying(36) NOT NULL, "step_id" character varying(36) NOT NULL, "participant_action_id" character varying(36) NOT NULL, "answer" character varying(3) NOT NULL, "effect" character varying(16) NOT NULL, "answered_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_7bed10572a6d7053e2ccf8f7a1a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_interest_answers_lead" ON "interest_answers"  ("lead_id", "answered_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_interest_answers_stay" ON "interest_answers"  ("participant_action_id") `);
    await queryRunner.query(`ALTER TABLE "schedules" ADD "coordinator_id" character varying(36)`);
    await queryRunner.query(`ALTER TABLE "schedules" ADD "watcher_ids" character varying(2000) NOT NULL DEFAULT '[]'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "watcher_ids"`);
    await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "coordinator_id"`);
    await queryRunner.query(`DROP INDEX "public"."ux_interest_answers_stay"`);
    await queryRunner.query(`DROP INDEX "public"."ix_interest_answers_lead"`);
    await queryRunner.query(`DROP TABLE "interest_answers"`);
    await queryRunner.query(`DROP INDEX "public"."ux_automation_runs_key"`);
    await queryRunner.query(`DROP INDEX "public"."ix_automation_runs_due"`);
    await queryRunner.query(`DROP INDEX "public"."ix_automation_runs_stay"`);
    await queryRunner.query(`DROP INDEX "public"."ix_automation_runs_enrollment"`);
    await queryRunner.query(`DROP TABLE "automation_runs"`);
    await queryRunner.query(`DROP INDEX "public"."ix_step_automations_step"`);
    await queryRunner.query(`DROP TABLE "step_automations"`);
  }
}
