import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SMS templates for the agent's composer. */
export class SmsTemplates1796223214903 implements MigrationInterface {
  name = 'SmsTemplates1796223214903';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "sms_templates" ("id" character varying(36) NOT NULL, "name" character varying(120) NOT NULL, "name_key" character varying(120) NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_940ef6d70e5e49587c1a2f3222d" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_sms_templates_name" ON "sms_templates"  ("name_key") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ux_sms_templates_name"`);
    await queryRunner.query(`DROP TABLE "sms_templates"`);
  }
}
