import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LeadsAndCompliance1795342479370 implements MigrationInterface {
  name = 'LeadsAndCompliance1795342479370';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "blocks" ("id" character varying(36) NOT NULL, "kind" character varying(10) NOT NULL, "value" character varying(20) NOT NULL, "reason" character varying(500), "source" character varying(16) NOT NULL, "actor_id" character varying(36), "created_at" TIMESTAMP(3) NOT NULL, "removed_at" TIMESTAMP(3), "removed_by" character varying(36), CONSTRAINT "PK_8244fa1495c4e9222a01059244b" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_blocks_kind_value" ON "blocks"  ("kind", "value", "removed_at") `);
    await queryRunner.query(`CREATE TABLE "contact_attempts" ("id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "channel" character varying(8) NOT NULL, "address" character varying(254) NOT NULL, "at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_6c99688e7d639dca8dd04378c90" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_contact_attempts_lead_channel_at" ON "contact_attempts"  ("lead_id", "channel", "at") `);
    await queryRunner.query(`CREATE TABLE "contact_refusals" ("id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "channel" character varying(8) NOT NULL, "address" character varying(254), "at" TIMESTAMP(3) NOT NULL, "codes" character varying(200) NOT NULL, "reasons" text NOT NULL, "next_allowed_at" TIMESTAMP(3), "context" character varying(80) NOT NULL, CONSTRAINT "PK_eb90a60d7f9dba7acce5dcb1877" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_contact_refusals_lead_at" ON "contact_refusals"  ("lead_id", "at") `);
    await queryRunner.query(`CREATE TABLE "opt_outs" ("id" character varying(36) NOT NULL, "address" character varying(254) NOT NULL, "address_type" character varying(8) NOT NULL, "action" character varying(8) NOT NULL, "channel" character varying(8) NOT NULL, "scope_type" character varying(12) NOT NULL, "scope_id" character varying(36) NOT NULL, "source" character varying(16) NOT NULL, "actor_id" character varying(36), "note" character varying(500), "created_at" TIMESTAMP(3) NOT NULL, "superseded_at" TIMESTAMP(3), "superseded_by" character varying(36), CONSTRAINT "PK_ea09458ff89d7d39a433e46beed" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_opt_outs_address_active" ON "opt_outs"  ("address", "superseded_at") `);
    await queryRunner.query(`CREATE TABLE "custom_field_definitions" ("key" character varying(64) NOT NULL, "label" character varying(120) NOT NULL, "type" character varying(16) NOT NULL, "options" text, "created_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_4ec1474824fa6c012000ec2d733" PRIMARY KEY ("key"))`);
    await queryRunner.query(`CREATE TABLE "leads" ("id" character varying(36) NOT NULL, "first_name" character varying(100), "last_name" character varying(100), "company" character varying(200), "email" character varying(254), "phone" character varying(20), "timezone" character varying(64), "region" character varying(8), "owner_id" character varying(36), "status" character varying(32) NOT NULL, "custom_fields" text NOT NULL, "last_contacted_at" TIMESTAMP(3), "last_activity_at" TIMESTAMP(3), "last_activity_type" character varying(32), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, "deleted_at" TIMESTAMP(3), CONSTRAINT "PK_cd102ed7a9a4ca7d4d8bfeba406" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_leads_phone" ON "leads"  ("phone") `);
    await queryRunner.query(`CREATE INDEX "ix_leads_email" ON "leads"  ("email") `);
    await queryRunner.query(`CREATE INDEX "ix_leads_status" ON "leads"  ("status") `);
    await queryRunner.query(`CREATE INDEX "ix_leads_owner" ON "leads"  ("owner_id") `);
    await queryRunner.query(`CREATE INDEX "ix_leads_created" ON "leads"  ("created_at", "id") `);
    await queryRunner.query(`CREATE TABLE "lead_phones" ("lead_id" character varying(36) NOT NULL, "e164" character varying(20) NOT NULL, "label" character varying(16) NOT NULL, "position" integer NOT NULL, CONSTRAINT "PK_078df58a20bc65b50793f14ef73" PRIMARY KEY ("lead_id", "e164"))`);
    await queryRunner.query(`CREATE INDEX "ix_lead_phones_e164" ON "lead_phones"  ("e164") `);
    await queryRunner.query(`CREATE TABLE "lead_tags" ("lead_id" character varying(36) NOT NULL, "tag" character varying(64) NOT NULL, CONSTRAINT "PK_04610b7610580c14b82d5ace71f" PRIMARY KEY ("lead_id", "tag"))`);
    await queryRunner.query(`CREATE INDEX "ix_lead_tags_tag" ON "lead_tags"  ("tag") `);
    await queryRunner.query(`CREATE TABLE "account_settings" ("id" integer NOT NULL, "default_timezone" character varying(64) NOT NULL, "default_country" character varying(2) NOT NULL, "attempt_caps" text, "calling_rules" text, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_cede89a31d2392a1064087af67a" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "account_settings"`);
    await queryRunner.query(`DROP INDEX "public"."ix_lead_tags_tag"`);
    await queryRunner.query(`DROP TABLE "lead_tags"`);
    await queryRunner.query(`DROP INDEX "public"."ix_lead_phones_e164"`);
    await queryRunner.query(`DROP TABLE "lead_phones"`);
    await queryRunner.query(`DROP INDEX "public"."ix_leads_created"`);
    await queryRunner.query(`DROP INDEX "public"."ix_leads_owner"`);
    await queryRunner.query(`DROP INDEX "public"."ix_leads_status"`);
    await queryRunner.query(`DROP INDEX "public"."ix_leads_email"`);
    await queryRunner.query(`DROP INDEX "public"."ix_leads_phone"`);
    await queryRunner.query(`DROP TABLE "leads"`);
    await queryRunner.query(`DROP TABLE "custom_field_definitions"`);
    await queryRunner.query(`DROP INDEX "public"."ix_opt_outs_address_active"`);
    await queryRunner.query(`DROP TABLE "opt_outs"`);
    await queryRunner.query(`DROP INDEX "public"."ix_contact_refusals_lead_at"`);
    await queryRunner.query(`DROP TABLE "contact_refusals"`);
    await queryRunner.query(`DROP INDEX "public"."ix_contact_attempts_lead_channel_at"`);
    await queryRunner.query(`DROP TABLE "contact_attempts"`);
    await queryRunner.query(`DROP INDEX "public"."ix_blocks_kind_value"`);
    await queryRunner.query(`DROP TABLE "blocks"`);
  }
}
