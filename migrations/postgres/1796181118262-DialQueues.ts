import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Power-dial queues, their agents, the leads waiting in them and every call they place. */
export class DialQueues1796181118262 implements MigrationInterface {
  name = 'DialQueues1796181118262';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "dial_queues" ("id" character varying(36) NOT NULL, "name" character varying(120) NOT NULL, "active" boolean NOT NULL DEFAULT true, "mode" character varying(16) NOT NULL, "ring_pool_id" character varying(36), "calling_window" character varying(64), "retry_rules" text NOT NULL, "ring_seconds" integer NOT NULL, "preview_seconds" integer NOT NULL, "machine_action" character varying(16) NOT NULL, "voicemail_message" text, "abandon_message" text NOT NULL, "max_lines_per_agent" integer NOT NULL, "abandon_cap_bp" integer NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "UQ_25800e1f1fef5135690afb9df57" UNIQUE ("name"), CONSTRAINT "PK_af8d035f327250313847dd9718f" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "dial_queue_agents" ("queue_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, CONSTRAINT "PK_c4d2a1866038ed14df82c5f6a34" PRIMARY KEY ("queue_id", "user_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_dial_queue_agents_user" ON "dial_queue_agents"  ("user_id") `);
    await queryRunner.query(`CREATE TABLE "dial_queue_items" ("id" character varying(36) NOT NULL, "queue_id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "source" character varying(12) NOT NULL, "source_id" character varying(36), "callback_first" smallint NOT NULL DEFAULT '0', "priority" integer NOT NULL DEFAULT '0', "due_at" TIMESTAMP(3) NOT NULL, "owner_id" character varying(36), "status" character varying(12) NOT NULL, "attempts" integer NOT NULL DEFAULT '0', "last_outcome" character varying(24), "detail" character varying(300), "agent_id" character varying(36), "reserved_at" TIMESTAMP(3), "conversation_id" character varying(36), "active_key" character varying(80), "busy_key" character varying(36), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "UQ_bcdc181497ccd97eef4a4550acc" UNIQUE ("active_key"), CONSTRAINT "UQ_8f846e34d7104feb18fb4c1c87f" UNIQUE ("busy_key"), CONSTRAINT "PK_34ca7c344256598e9f720579447" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_dial_queue_items_lead" ON "dial_queue_items"  ("lead_id") `);
    await queryRunner.query(`CREATE INDEX "ix_dial_queue_items_next" ON "dial_queue_items"  ("queue_id", "status", "callback_first" DESC, "priority" DESC, "due_at") `);
    await queryRunner.query(`CREATE TABLE "dial_calls" ("conversation_id" character varying(36) NOT NULL, "queue_id" character varying(36) NOT NULL, "item_id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "agent_id" character varying(36), "placed_at" TIMESTAMP(3) NOT NULL, "answered_at" TIMESTAMP(3), "bridged_at" TIMESTAMP(3), "ended_at" TIMESTAMP(3), "human" boolean NOT NULL DEFAULT false, "outcome" character varying(16), "talk_seconds" integer, CONSTRAINT "PK_8a53129558653e37e81e908b49e" PRIMARY KEY ("conversation_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_dial_calls_queue_placed" ON "dial_calls"  ("queue_id", "placed_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_dial_calls_queue_placed"`);
    await queryRunner.query(`DROP TABLE "dial_calls"`);
    await queryRunner.query(`DROP INDEX "public"."ix_dial_queue_items_next"`);
    await queryRunner.query(`DROP INDEX "public"."ix_dial_queue_items_lead"`);
    await queryRunner.query(`DROP TABLE "dial_queue_items"`);
    await queryRunner.query(`DROP INDEX "public"."ix_dial_queue_agents_user"`);
    await queryRunner.query(`DROP TABLE "dial_queue_agents"`);
    await queryRunner.query(`DROP TABLE "dial_queues"`);
  }
}
