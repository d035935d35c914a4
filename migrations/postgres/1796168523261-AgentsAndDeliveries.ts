import type { MigrationInterface, QueryRunner } from 'typeorm';

export class AgentsAndDeliveries1796168523261 implements MigrationInterface {
  name = 'AgentsAndDeliveries1796168523261';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "agent_presence" ("user_id" character varying(36) NOT NULL, "state" character varying(16) NOT NULL, "reason" character varying(64), "state_since" TIMESTAMP(3) NOT NULL, "last_heartbeat_at" TIMESTAMP(3), "stale" boolean NOT NULL DEFAULT false, "health" character varying(200), "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_ce57b4ad45acf791e0d6eae7560" PRIMARY KEY ("user_id"))`);
    await queryRunner.query(`CREATE TABLE "agent_state_changes" ("id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "from_state" character varying(16) NOT NULL, "to_state" character varying(16) NOT NULL, "reason" character varying(64), "actor_id" character varying(36), "at" TIMESTAMP(3) NOT NULL, "duration_ms" bigint NOT NULL, CONSTRAINT "PK_4621ba3a69049abb86f7495de8a" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_agent_state_changes_user" ON "agent_state_changes"  ("user_id", "at") `);
    await queryRunner.query(`CREATE TABLE "work_deliveries" ("id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "kind" character varying(24) NOT NULL, "item_id" character varying(36) NOT NULL, "payload" text NOT NULL, "attempts" integer NOT NULL DEFAULT '1', "offered_at" TIMESTAMP(3) NOT NULL, "sent_at" TIMESTAMP(3) NOT NULL, "acked_at" TIMESTAMP(3), "withdrawn_at" TIMESTAMP(3), CONSTRAINT "PK_3a3b391153a2f6e46b53547f5c6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_work_deliveries_user_open" ON "work_deliveries"  ("user_id", "acked_at", "withdrawn_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_work_deliveries_item_user" ON "work_deliveries"  ("kind", "item_id", "user_id") `);
    await queryRunner.query(`ALTER TABLE "account_settings" ADD "agent_rules" text`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account_settings" DROP COLUMN "agent_rules"`);
    await queryRunner.query(`DROP INDEX "public"."ux_work_deliveries_item_user"`);
    await queryRunner.query(`DROP INDEX "public"."ix_work_deliveries_user_open"`);
    await queryRunner.query(`DROP TABLE "work_deliveries"`);
    await queryRunner.query(`DROP INDEX "public"."ix_agent_state_changes_user"`);
    await queryRunner.query(`DROP TABLE "agent_state_changes"`);
    await queryRunner.query(`DROP TABLE "agent_presence"`);
  }
}
