import type { MigrationInterface, QueryRunner } from 'typeorm';

export class ReportDays1796691400000 implements MigrationInterface {
  name = 'ReportDays1796691400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "report_call_days" ("zone" character varying(64) NOT NULL, "day" TIMESTAMP(3) NOT NULL, "queue_id" character varying(36) NOT NULL, "agent_id" character varying(36) NOT NULL, "dials" integer NOT NULL DEFAULT '0', "answers" integer NOT NULL DEFAULT '0', "human_answers" integer NOT NULL DEFAULT '0', "machine_answers" integer NOT NULL DEFAULT '0', "voicemail_drops" integer NOT NULL DEFAULT '0', "abandons" integer NOT NULL DEFAULT '0', "handled" integer NOT NULL DEFAULT '0', "talk_seconds" integer NOT NULL DEFAULT '0', "hold_seconds" integer NOT NULL DEFAULT '0', "contacts" integer NOT NULL DEFAULT '0', "conversions" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_report_call_days" PRIMARY KEY ("zone", "day", "queue_id", "agent_id"))`);
    await queryRunner.query(`CREATE TABLE "report_state_days" ("zone" character varying(64) NOT NULL, "day" TIMESTAMP(3) NOT NULL, "agent_id" character varying(36) NOT NULL, "state" character varying(16) NOT NULL, "reason" character varying(64) NOT NULL, "seconds" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_report_state_days" PRIMARY KEY ("zone", "day", "agent_id", "state", "reason"))`);
    await queryRunner.query(`CREATE TABLE "report_disposition_days" ("zone" character varying(64) NOT NULL, "day" TIMESTAMP(3) NOT NULL, "queue_id" character varying(36) NOT NULL, "agent_id" character varying(36) NOT NULL, "code" character varying(64) NOT NULL, "calls" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_report_disposition_days" PRIMARY KEY ("zone", "day", "queue_id", "agent_id", "code"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "report_disposition_days"`);
    await queryRunner.query(`DROP TABLE "report_state_days"`);
    await queryRunner.query(`DROP TABLE "report_call_days"`);
  }
}
