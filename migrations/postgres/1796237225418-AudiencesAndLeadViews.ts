import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Saved lead views, and a schedule's audience with its interval. */
export class AudiencesAndLeadViews1796237225418 implements MigrationInterface {
  name = 'AudiencesAndLeadViews1796237225418';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "lead_views" ("id" character varying(36) NOT NULL, "name" character varying(120) NOT NULL, "name_key" character varying(120) NOT NULL, "filter" text NOT NULL, "created_by" character varying(36), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_9370c7aeb8c58e5536fd757ebc9" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_lead_views_name" ON "lead_views"  ("name_key") `);
    await queryRunner.query(`ALTER TABLE "schedules" ADD "audience" text`);
    await queryRunner.query(`ALTER TABLE "schedules" ADD "audience_every" character varying(8) NOT NULL DEFAULT 'hourly'`);
    await queryRunner.query(`ALTER TABLE "schedules" ADD "audience_at" character varying(5) NOT NULL DEFAULT '09:00'`);
    await queryRunner.query(`ALTER TABLE "schedules" ADD "audience_checked_at" TIMESTAMP(3)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "audience_checked_at"`);
    await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "audience_at"`);
    await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "audience_every"`);
    await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "audience"`);
    await queryRunner.query(`DROP INDEX "public"."ux_lead_views_name"`);
    await queryRunner.query(`DROP TABLE "lead_views"`);
  }
}
