import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent ledger keeps its evidence: what an entry is (the person's revocation, the
 * floor's own decision, or an opt-in), how the request came, the words, the conversation,
 * the scope rule when written, a reference that makes a retried write find itself, and the
 * leads an address belonged to. Supervisors' reviews of unsure messages, and the floor's
 * consent rules. Entries written before this are classified by their source: keywords,
 * unsubscribe links, agents and dispositions were the person's requests.
 */

export class ConsentLedger1796563912120 implements MigrationInterface {
  name = 'ConsentLedger1796563912120';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "opt_out_leads" ("entry_id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, CONSTRAINT "PK_8fc8db0de3e44e28604d12c5497" PRIMARY KEY ("entry_id", "lead_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_opt_out_leads_lead" ON "opt_out_leads"  ("lead_id") `);
    await queryRunner.query(`CREATE TABLE "consent_reviews" ("id" character varying(36) NOT NULL, "address" character varying(254) NOT NULL, "lead_id" character varying(36), "conversation_id" character varying(36), "origin" character varying(8) NOT NULL, "words" character varying(500) NOT NULL, "matched" character varying(200) NOT NULL, "channel" character varying(8) NOT NULL, "status" character varying(16) NOT NULL, "source_ref" character varying(120), "created_at" TIMESTAMP(3) NOT NULL, "decided_at" TIMESTAMP(3), "decided_by" character varying(36), "decision_note" character varying(500), "entry_id" character varying(36), CONSTRAINT "PK_8325af7bada7cb27d9baea73250" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_consent_reviews_source_ref" ON "consent_reviews"  ("source_ref") `);
    await queryRunner.query(`CREATE INDEX "ix_consent_reviews_status" ON "consent_reviews"  ("status", "created_at") `);
    await queryRunner.query(`CREATE INDEX "ix_consent_reviews_address" ON "consent_reviews"  ("address", "status") `);
    await queryRunner.query(`ALTER TABLE "opt_outs" ADD "kind" character varying(12) NOT NULL DEFAULT 'internal'`);
    await queryRunner.query(`ALTER TABLE "opt_outs" ADD "origin" character varying(8)`);
    await queryRunner.query(`ALTER TABLE "opt_outs" ADD "words" character varying(500)`);
    await queryRunner.query(`ALTER TABLE "opt_outs" ADD "conversation_id" character varying(36)`);
    await queryRunner.query(`ALTER TABLE "opt_outs" ADD "scope_rule" character varying(160)`);
    await queryRunner.query(`ALTER TABLE "opt_outs" ADD "source_ref" character varying(120)`);
    await queryRunner.query(`ALTER TABLE "account_settings" ADD "consent_rules" text`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_opt_outs_source_ref" ON "opt_outs"  ("source_ref") `);
    await queryRunner.query(`CREATE INDEX "ix_opt_outs_created" ON "opt_outs"  ("created_at") `);
    await queryRunner.query(`UPDATE "opt_outs" SET "kind" = 'consent' WHERE "action" = 'opt-in'`);
    await queryRunner.query(`UPDATE "opt_outs" SET "kind" = 'revocation', "origin" = 'sms' WHERE "action" = 'opt-out' AND "source" = 'sms-keyword'`);
    await queryRunner.query(`UPDATE "opt_outs" SET "kind" = 'revocation', "origin" = 'email' WHERE "action" = 'opt-out' AND "source" = 'unsubscribe-link'`);
    await queryRunner.query(`UPDATE "opt_outs" SET "kind" = 'revocation', "origin" = 'call' WHERE "action" = 'opt-out' AND "source" IN ('agent', 'disposition')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_opt_outs_created"`);
    await queryRunner.query(`DROP INDEX "public"."ux_opt_outs_source_ref"`);
    await queryRunner.query(`ALTER TABLE "account_settings" DROP COLUMN "consent_rules"`);
    await queryRunner.query(`ALTER TABLE "opt_outs" DROP COLUMN "source_ref"`);
    await queryRunner.query(`ALTER TABLE "opt_outs" DROP COLUMN "scope_rule"`);
    await queryRunner.query(`ALTER TABLE "opt_outs" DROP COLUMN "conversation_id"`);
    await queryRunner.query(`ALTER TABLE "opt_outs" DROP COLUMN "words"`);
    await queryRunner.query(`ALTER TABLE "opt_outs" DROP COLUMN "origin"`);
    await queryRunner.query(`ALTER TABLE "opt_outs" DROP COLUMN "kind"`);
    await queryRunner.query(`DROP INDEX "public"."ix_consent_reviews_address"`);
    await queryRunner.query(`DROP INDEX "public"."ix_consent_reviews_status"`);
    await queryRunner.query(`DROP INDEX "public"."ux_consent_reviews_source_ref"`);
    await queryRunner.query(`DROP TABLE "consent_reviews"`);
    await queryRunner.query(`DROP INDEX "public"."ix_opt_out_leads_lead"`);
    await queryRunner.query(`DROP TABLE "opt_out_leads"`);
  }
}
