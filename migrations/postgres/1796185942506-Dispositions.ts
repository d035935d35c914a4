import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Disposition catalogues (account-wide, per queue, per schedule) and the audit of dispositions set on conversations. */
export class Dispositions1796185942506 implements MigrationInterface {
  name = 'Dispositions1796185942506';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "dispositions" ("id" character varying(36) NOT NULL, "scope_type" character varying(12) NOT NULL, "scope_id" character varying(36) NOT NULL, "code" character varying(40) NOT NULL, "label" character varying(80) NOT NULL, "contacted" boolean NOT NULL DEFAULT false, "human_answered" boolean NOT NULL DEFAULT false, "success" boolean NOT NULL DEFAULT false, "do_not_call" boolean NOT NULL DEFAULT false, "callback" boolean NOT NULL DEFAULT false, "exit_schedule" boolean NOT NULL DEFAULT false, "final" boolean NOT NULL DEFAULT false, "action_group_id" character varying(36), "callback_delay_minutes" integer, "position" integer NOT NULL DEFAULT '0', "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_910039d536836fd1ec73c6d7424" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_dispositions_scope_code" ON "dispositions"  ("scope_type", "scope_id", "code") `);
    await queryRunner.query(`CREATE TABLE "disposition_changes" ("id" character varying(36) NOT NULL, "conversation_id" character varying(36) NOT NULL, "from_code" character varying(40), "to_code" character varying(40) NOT NULL, "actor_id" character varying(36), "at" TIMESTAMP(3) NOT NULL, "effects" text NOT NULL, CONSTRAINT "PK_aa1f2eee8c5b85cc4f44fe7bb76" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_disposition_changes_conversation" ON "disposition_changes"  ("conversation_id", "at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_disposition_changes_conversation"`);
    await queryRunner.query(`DROP TABLE "disposition_changes"`);
    await queryRunner.query(`DROP INDEX "public"."ux_dispositions_scope_code"`);
    await queryRunner.query(`DROP TABLE "dispositions"`);
  }
}
