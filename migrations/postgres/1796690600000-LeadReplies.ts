import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Replies as work: what a lead wrote (an inbound text or email), whom it is for, and whether it was answered or dismissed; one per thing written. */
export class LeadReplies1796690600000 implements MigrationInterface {
  name = 'LeadReplies1796690600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "lead_replies" ("id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "channel" character varying(8) NOT NULL, "ref_id" character varying(36) NOT NULL, "owner_id" character varying(36), "received_at" TIMESTAMP(3) NOT NULL, "status" character varying(12) NOT NULL, "answered_by" character varying(36), "answered_at" TIMESTAMP(3), CONSTRAINT "uq_lead_replies_ref" UNIQUE ("channel", "ref_id"), CONSTRAINT "PK_2b31d0f6fd26181e9965fc2a75b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_lead_replies_lead" ON "lead_replies"  ("lead_id", "status") `);
    await queryRunner.query(`CREATE INDEX "ix_lead_replies_open" ON "lead_replies"  ("status", "received_at") `);
    await queryRunner.query(`CREATE INDEX "ix_lead_replies_owner" ON "lead_replies"  ("owner_id", "status", "received_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_lead_replies_owner"`);
    await queryRunner.query(`DROP INDEX "public"."ix_lead_replies_open"`);
    await queryRunner.query(`DROP INDEX "public"."ix_lead_replies_lead"`);
    await queryRunner.query(`DROP TABLE "lead_replies"`);
  }
}
