import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DurableScheduler1795348900926 implements MigrationInterface {
  name = 'DurableScheduler1795348900926';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "scheduled_jobs" ("id" character varying(36) NOT NULL, "queue" character varying(48) NOT NULL, "payload" text NOT NULL, "due_at" TIMESTAMP(3) NOT NULL, "status" character varying(12) NOT NULL, "priority" integer NOT NULL DEFAULT '0', "attempt" integer NOT NULL DEFAULT '0', "failures" integer NOT NULL DEFAULT '0', "max_attempts" integer NOT NULL, "lease_owner" character varying(64), "lease_until" TIMESTAMP(3), "last_error" character varying(1000), "dedupe_key" character varying(160), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, "finished_at" TIMESTAMP(3), CONSTRAINT "PK_119312a5470a95ee9c733a5246d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_scheduled_jobs_dedupe" ON "scheduled_jobs"  ("dedupe_key") `);
    await queryRunner.query(`CREATE INDEX "ix_scheduled_jobs_lease" ON "scheduled_jobs"  ("status", "lease_until") `);
    await queryRunner.query(`CREATE INDEX "ix_scheduled_jobs_due" ON "scheduled_jobs"  ("status", "due_at") `);
    await queryRunner.query(`CREATE TABLE "cluster_locks" ("name" character varying(64) NOT NULL, "owner" character varying(64) NOT NULL, "held_until" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_3086530e5036f8eb13b132fb905" PRIMARY KEY ("name"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "cluster_locks"`);
    await queryRunner.query(`DROP INDEX "public"."ix_scheduled_jobs_due"`);
    await queryRunner.query(`DROP INDEX "public"."ix_scheduled_jobs_lease"`);
    await queryRunner.query(`DROP INDEX "public"."ux_scheduled_jobs_dedupe"`);
    await queryRunner.query(`DROP TABLE "scheduled_jobs"`);
  }
}
