import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportRollups1796691000000 implements MigrationInterface {
  name = 'ReportRollups1796691000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "report_call_hours" ("hour" TIMESTAMP(3) NOT NULL, "queue_id" character varying(36) NOT NULL, "agent_id" character varying(36) NOT NULL, "dials" integer NOT NULL DEFAULT '0', "answers" integer NOT NULL DEFAULT '0', "human_answers" integer NOT NULL DEFAULT '0', "machine_answers" integer NOT NULL DEFAULT '0', "voicemail_drops" integer NOT NULL DEFAULT '0', "abandons" integer NOT NULL DEFAULT '0', "handled" integer NOT NULL DEFAULT '0', "talk_seconds" integer NOT NULL DEFAULT '0', "hold_seconds" integer NOT NULL DEFAULT '0', "contacts" integer NOT NULL DEFAULT '0', "conversions" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_dfe6a31962c483a73773a8c385d" PRIMARY KEY ("hour", "queue_id", "agent_id"))`);
    await queryRunner.query(`CREATE TABLE "report_state_hours" ("hour" TIMESTAMP(3) NOT NULL, "agent_id" character varying(36) NOT NULL, "state" character varying(16) NOT NULL, "reason" character varying(64) NOT NULL, "seconds" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_cdc20d82d0ab3eadc3b962f825b" PRIMARY KEY ("hour", "agent_id", "state", "reason"))`);
    await queryRunner.query(`CREATE TABLE "report_disposition_hours" ("hour" TIMESTAMP(3) NOT NULL, "queue_id" character varying(36) NOT NULL, "agent_id" character varying(36) NOT NULL, "code" character varying(64) NOT NULL, "calls" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_1e6582907552eedfe308d434511" PRIMARY KEY ("hour", "queue_id", "agent_id", "code"))`);
    await queryRunner.query(`CREATE TABLE "report_watermarks" ("name" character varying(40) NOT NULL, "at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_1acc7ddbb3e81b0cad8cfc198ee" PRIMARY KEY ("name"))`);
    await queryRunner.query(`CREATE INDEX "ix_agent_state_changes_at" ON "agent_state_changes"  ("at") `);
    await queryRunner.query(`CREATE INDEX "ix_dial_calls_placed" ON "dial_calls"  ("placed_at") `);
    await queryRunner.query(`CREATE INDEX "ix_disposition_changes_at" ON "disposition_changes"  ("at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_disposition_changes_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_dial_calls_placed"`);
    await queryRunner.query(`DROP INDEX "public"."ix_agent_state_changes_at"`);
    await queryRunner.query(`DROP TABLE "report_watermarks"`);
    await queryRunner.query(`DROP TABLE "report_disposition_hours"`);
    await queryRunner.query(`DROP TABLE "report_state_hours"`);
    await queryRunner.query(`DROP TABLE "report_call_hours"`);
  }
}
