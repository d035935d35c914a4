import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Recordings kept with their calls, and each queue's recording rule (when, how consent is had, how long kept). */
export class CallRecordings1796680200000 implements MigrationInterface {
  name = 'CallRecordings1796680200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "call_recordings" ("id" character varying(36) NOT NULL, "conversation_id" character varying(36) NOT NULL, "recording_sid" character varying(64) NOT NULL, "call_sid" character varying(64) NOT NULL, "status" character varying(12) NOT NULL, "url" character varying(500), "duration_seconds" integer, "started_by" character varying(36), "consent" character varying(16) NOT NULL, "delete_after" TIMESTAMP(3), "deleted_at" TIMESTAMP(3), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_4825dd582adb1f8c2f29cf74106" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_call_recordings_delete" ON "call_recordings"  ("delete_after") `);
    await queryRunner.query(`CREATE INDEX "ix_call_recordings_conversation" ON "call_recordings"  ("conversation_id", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_call_recordings_sid" ON "call_recordings"  ("recording_sid") `);
    await queryRunner.query(`ALTER TABLE "dial_queues" ADD "recording_mode" character varying(12) NOT NULL DEFAULT 'never'`);
    await queryRunner.query(`ALTER TABLE "dial_queues" ADD "recording_consent" character varying(16) NOT NULL DEFAULT 'announce'`);
    await queryRunner.query(`ALTER TABLE "dial_queues" ADD "recording_announcement" character varying(500)`);
    await queryRunner.query(`ALTER TABLE "dial_queues" ADD "recording_retention_days" integer`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "dial_queues" DROP COLUMN "recording_retention_days"`);
    await queryRunner.query(`ALTER TABLE "dial_queues" DROP COLUMN "recording_announcement"`);
    await queryRunner.query(`ALTER TABLE "dial_queues" DROP COLUMN "recording_consent"`);
    await queryRunner.query(`ALTER TABLE "dial_queues" DROP COLUMN "recording_mode"`);
    await queryRunner.query(`DROP INDEX "public"."ux_call_recordings_sid"`);
    await queryRunner.query(`DROP INDEX "public"."ix_call_recordings_conversation"`);
    await queryRunner.query(`DROP INDEX "public"."ix_call_recordings_delete"`);
    await queryRunner.query(`DROP TABLE "call_recordings"`);
  }
}
