import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Action groups (named bundles of actions with their keyword phrases), their runs keyed once per trigger and subject, and each run's audit trail. */
export class ActionGroups1796219877980 implements MigrationInterface {
  name = 'ActionGroups1796219877980';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "action_groups" ("id" character varying(36) NOT NULL, "name" character varying(120) NOT NULL, "name_key" character varying(120) NOT NULL, "description" text, "active" boolean NOT NULL DEFAULT true, "actions" text NOT NULL, "keywords" text NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_9a3a0a0e3565b86f201fdd59a7d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_action_groups_name" ON "action_groups"  ("name_key") `);
    await queryRunner.query(`CREATE TABLE "action_group_runs" ("id" character varying(36) NOT NULL, "group_id" character varying(36) NOT NULL, "run_key" character varying(255) NOT NULL, "trigger" character varying(16) NOT NULL, "trigger_ref" character varying(200), "lead_id" character varying(36) NOT NULL, "conversation_id" character varying(36), "enrollment_id" character varying(36), "actor_id" character varying(36), "status" character varying(12) NOT NULL, "started_at" TIMESTAMP(3) NOT NULL, "finished_at" TIMESTAMP(3), CONSTRAINT "PK_cdc5aa9eaca62e0701eec239d3b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_action_group_runs_lead" ON "action_group_runs"  ("lead_id", "started_at") `);
    await queryRunner.query(`CREATE INDEX "ix_action_group_runs_group" ON "action_group_runs"  ("group_id", "started_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_action_group_runs_key" ON "action_group_runs"  ("run_key") `);
    await queryRunner.query(`CREATE TABLE "action_group_run_steps" ("id" character varying(36) NOT NULL, "run_id" character varying(36) NOT NULL, "path" character varying(64) NOT NULL, "group_id" character varying(36) NOT NULL, "type" character varying(32) NOT NULL, "input" text NOT NULL, "status" character varying(12) NOT NULL, "outcome" character varying(64), "detail" text, "error" text, "started_at" TIMESTAMP(3) NOT NULL, "finished_at" TIMESTAMP(3), "duration_ms" integer, CONSTRAINT "PK_e07671fe03c8b293bed59f4b5b1" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_action_group_run_steps_path" ON "action_group_run_steps"  ("run_id", "path") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ux_action_group_run_steps_path"`);
    await queryRunner.query(`DROP TABLE "action_group_run_steps"`);
    await queryRunner.query(`DROP INDEX "public"."ux_action_group_runs_key"`);
    await queryRunner.query(`DROP INDEX "public"."ix_action_group_runs_group"`);
    await queryRunner.query(`DROP INDEX "public"."ix_action_group_runs_lead"`);
    await queryRunner.query(`DROP TABLE "action_group_runs"`);
    await queryRunner.query(`DROP INDEX "public"."ux_action_groups_name"`);
    await queryRunner.query(`DROP TABLE "action_groups"`);
  }
}
