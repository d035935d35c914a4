import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schedule permissions: a schedule's owner, its sharing (with everyone, and per user in
 * schedule_shares) and users' own permission lists. Schedules made before this keep
 * working as they did: owned by their creator and shared with everyone to edit.
 */
export class SchedulePermissions1796280061835 implements MigrationInterface {
  name = 'SchedulePermissions1796280061835';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "schedule_shares" ("schedule_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "access" character varying(8) NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_47eec07e08098778252fef63d69" PRIMARY KEY ("schedule_id", "user_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_schedule_shares_user" ON "schedule_shares"  ("user_id") `);
    await queryRunner.query(`ALTER TABLE "schedules" ADD "owner_id" character varying(36)`);
    await queryRunner.query(`ALTER TABLE "schedules" ADD "shared_with" character varying(8) NOT NULL DEFAULT 'none'`);
    await queryRunner.query(`ALTER TABLE "users" ADD "permissions" character varying(500)`);
    await queryRunner.query(`CREATE INDEX "ix_schedules_owner" ON "schedules"  ("owner_id") `);
    await queryRunner.query(`UPDATE "schedules" SET "owner_id" = "created_by", "shared_with" = 'edit'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_schedules_owner"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "permissions"`);
    await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "shared_with"`);
    await queryRunner.query(`ALTER TABLE "schedules" DROP COLUMN "owner_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_schedule_shares_user"`);
    await queryRunner.query(`DROP TABLE "schedule_shares"`);
  }
}
