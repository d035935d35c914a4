import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Integrations (settings in the clear, secrets sealed) and links from leads to their records at outside services. */
export class Integrations1796220310817 implements MigrationInterface {
  name = 'Integrations1796220310817';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "integrations" ("id" character varying(36) NOT NULL, "kind" character varying(16) NOT NULL, "name" character varying(120) NOT NULL, "name_key" character varying(120) NOT NULL, "settings" text NOT NULL, "secrets" text NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_9adcdc6d6f3922535361ce641e8" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_integrations_name" ON "integrations"  ("name_key") `);
    await queryRunner.query(`CREATE TABLE "integration_links" ("id" character varying(36) NOT NULL, "integration_id" character varying(36) NOT NULL, "lead_id" character varying(36) NOT NULL, "external_id" character varying(100) NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_1344977f4b3c4c16538fa4cd688" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_integration_links_lead" ON "integration_links"  ("integration_id", "lead_id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ux_integration_links_lead"`);
    await queryRunner.query(`DROP TABLE "integration_links"`);
    await queryRunner.query(`DROP INDEX "public"."ux_integrations_name"`);
    await queryRunner.query(`DROP TABLE "integrations"`);
  }
}
