import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Telephony1795348142229 implements MigrationInterface {
  name = 'Telephony1795348142229';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "conversations" ("id" character varying(36) NOT NULL, "lead_id" character varying(36), "agent_id" character varying(36), "channel" character varying(8) NOT NULL, "direction" character varying(8) NOT NULL, "from_number" character varying(20) NOT NULL, "to_number" character varying(20) NOT NULL, "provider_sid" character varying(64), "status" character varying(16) NOT NULL, "body" text, "answered_by" character varying(24), "created_at" TIMESTAMP(3) NOT NULL, "ringing_at" TIMESTAMP(3), "answered_at" TIMESTAMP(3), "ended_at" TIMESTAMP(3), "duration_seconds" integer, "disposition" character varying(64), "disposition_by" character varying(36), "disposition_at" TIMESTAMP(3), "notes" text, "recording_url" character varying(500), "error_code" character varying(16), "error_message" character varying(300), "pool_id" character varying(36), "pool_number_id" character varying(36), "cause_type" character varying(24), "cause_id" character varying(64), "idempotency_key" character varying(120), "last_sequence" integer NOT NULL DEFAULT '-1', "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_ee34f4f7ced4ec8681f26bf04ef" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_conversations_created" ON "conversations"  ("created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_conversations_open" ON "conversations"  ("status", "created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_conversations_agent" ON "conversations"  ("agent_id", "created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_conversations_lead" ON "conversations"  ("lead_id", "created_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_conversations_idempotency" ON "conversations"  ("idempotency_key") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_conversations_provider_sid" ON "conversations"  ("provider_sid") `);
    await queryRunner.query(`CREATE TABLE "conversation_events" ("id" character varying(36) NOT NULL, "conversation_id" character varying(36) NOT NULL, "status" character varying(24) NOT NULL, "sequence" integer, "applied" boolean NOT NULL, "source" character varying(16) NOT NULL, "payload" text NOT NULL, "received_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_d69d1aeac5bf8d33983a582653d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_conversation_events_conversation" ON "conversation_events"  ("conversation_id", "received_at") `);
    await queryRunner.query(`CREATE TABLE "rate_limits" ("name" character varying(32) NOT NULL, "next_slot_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_62b7bd9719744f63307ea5f2336" PRIMARY KEY ("name"))`);
    await queryRunner.query(`CREATE TABLE "ring_pools" ("id" character varying(36) NOT NULL, "name" character varying(100) NOT NULL, "strategy" character varying(16) NOT NULL, "daily_call_cap" integer NOT NULL, "daily_sms_cap" integer NOT NULL, "quarantine_enabled" boolean NOT NULL, "quarantine_min_calls" integer NOT NULL, "quarantine_ratio_pct" integer NOT NULL, "cool_down_hours" integer NOT NULL, "rr_cursor" integer NOT NULL DEFAULT '0', "active" boolean NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_61d1be787d8c5df191d2ba1ac4f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_ring_pools_name" ON "ring_pools"  ("name") `);
    await queryRunner.query(`CREATE TABLE "pool_numbers" ("id" character varying(36) NOT NULL, "pool_id" character varying(36) NOT NULL, "e164" character varying(20) NOT NULL, "carrier_sid" character varying(64), "voice" boolean NOT NULL, "sms" boolean NOT NULL, "region" character varying(8), "area_code" character varying(3), "status" character varying(16) NOT NULL, "quarantined_until" TIMESTAMP(3), "quarantine_reason" character varying(300), "last_used_at" TIMESTAMP(3), "created_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_251c1bc2b19ab6412cd15fb30ce" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_pool_numbers_pool" ON "pool_numbers"  ("pool_id", "status") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_pool_numbers_e164" ON "pool_numbers"  ("e164") `);
    await queryRunner.query(`CREATE TABLE "pool_number_usage" ("number_id" character varying(36) NOT NULL, "day" character varying(10) NOT NULL, "calls" integer NOT NULL DEFAULT '0', "answered" integer NOT NULL DEFAULT '0', "sms" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_1120ad14030d871bf1d75492a0b" PRIMARY KEY ("number_id", "day"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "pool_number_usage"`);
    await queryRunner.query(`DROP INDEX "public"."ux_pool_numbers_e164"`);
    await queryRunner.query(`DROP INDEX "public"."ix_pool_numbers_pool"`);
    await queryRunner.query(`DROP TABLE "pool_numbers"`);
    await queryRunner.query(`DROP INDEX "public"."ux_ring_pools_name"`);
    await queryRunner.query(`DROP TABLE "ring_pools"`);
    await queryRunner.query(`DROP TABLE "rate_limits"`);
    await queryRunner.query(`DROP INDEX "public"."ix_conversation_events_conversation"`);
    await queryRunner.query(`DROP TABLE "conversation_events"`);
    await queryRunner.query(`DROP INDEX "public"."ux_conversations_provider_sid"`);
    await queryRunner.query(`DROP INDEX "public"."ux_conversations_idempotency"`);
    await queryRunner.query(`DROP INDEX "public"."ix_conversations_lead"`);
    await queryRunner.query(`DROP INDEX "public"."ix_conversations_agent"`);
    await queryRunner.query(`DROP INDEX "public"."ix_conversations_open"`);
    await queryRunner.query(`DROP INDEX "public"."ix_conversations_created"`);
    await queryRunner.query(`DROP TABLE "conversations"`);
  }
}
