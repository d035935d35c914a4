import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every agent call is a conference room: the legs in it (customer, agent, supervisors
 * monitoring, transfers) and the call's events (joins, leaves, holds, monitoring, owners).
 */
export class CallRooms1796680000000 implements MigrationInterface {
  name = 'CallRooms1796680000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "call_legs" ("id" character varying(36) NOT NULL, "conversation_id" character varying(36) NOT NULL, "call_sid" character varying(64), "conference_sid" character varying(64), "role" character varying(16) NOT NULL, "user_id" character varying(36), "address" character varying(64) NOT NULL, "mode" character varying(8), "status" character varying(12) NOT NULL, "muted" boolean NOT NULL, "held" boolean NOT NULL, "joined_at" TIMESTAMP(3), "left_at" TIMESTAMP(3), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_e4f28d2dcbf7376e1e39aa33e67" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_call_legs_open" ON "call_legs"  ("status", "role") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_call_legs_call_sid" ON "call_legs"  ("call_sid") `);
    await queryRunner.query(`CREATE INDEX "ix_call_legs_conversation" ON "call_legs"  ("conversation_id", "created_at") `);
    await queryRunner.query(`CREATE TABLE "call_events" ("id" character varying(36) NOT NULL, "conversation_id" character varying(36) NOT NULL, "leg_id" character varying(36), "kind" character varying(24) NOT NULL, "actor_id" character varying(36), "detail" character varying(200), "at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_ae7349495543762c8be7de28b7f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_call_events_conversation" ON "call_events"  ("conversation_id", "at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_call_events_conversation"`);
    await queryRunner.query(`DROP TABLE "call_events"`);
    await queryRunner.query(`DROP INDEX "public"."ix_call_legs_conversation"`);
    await queryRunner.query(`DROP INDEX "public"."ux_call_legs_call_sid"`);
    await queryRunner.query(`DROP INDEX "public"."ix_call_legs_open"`);
    await queryRunner.query(`DROP TABLE "call_legs"`);
  }
}
