import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LeadImportsAndDnc1795347349283 implements MigrationInterface {
  name = 'LeadImportsAndDnc1795347349283';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "dnc_lists" ("id" SERIAL NOT NULL, "name" character varying(120) NOT NULL, "description" character varying(500), "status" character varying(16) NOT NULL, "number_count" integer NOT NULL DEFAULT '0', "lines_read" integer NOT NULL DEFAULT '0', "invalid_count" integer NOT NULL DEFAULT '0', "duplicate_count" integer NOT NULL DEFAULT '0', "error" character varying(1000), "created_by" character varying(36), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, "removed_at" TIMESTAMP(3), "removed_by" character varying(36), CONSTRAINT "PK_ae73fe4b7d0ce7d14d01a36ca22" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE TABLE "dnc_numbers" ("number" bigint NOT NULL, "list_id" integer NOT NULL, CONSTRAINT "PK_cf3c13cf154fc95cbd2effe1aaa" PRIMARY KEY ("number", "list_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_dnc_numbers_list" ON "dnc_numbers"  ("list_id") `);
    await queryRunner.query(`CREATE TABLE "lead_imports" ("id" character varying(36) NOT NULL, "filename" character varying(255) NOT NULL, "file_sha256" character varying(64) NOT NULL, "file_bytes" integer NOT NULL, "staging_path" character varying(500), "status" character varying(16) NOT NULL, "headers" text NOT NULL, "settings" text, "total_bytes_read" integer NOT NULL DEFAULT '0', "rows_processed" integer NOT NULL DEFAULT '0', "rows_created" integer NOT NULL DEFAULT '0', "rows_updated" integer NOT NULL DEFAULT '0', "rows_skipped" integer NOT NULL DEFAULT '0', "rows_failed" integer NOT NULL DEFAULT '0', "committed_line" integer NOT NULL DEFAULT '0', "error" character varying(1000), "worker_id" character varying(64), "lease_until" TIMESTAMP(3), "created_by" character varying(36), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, "started_at" TIMESTAMP(3), "finished_at" TIMESTAMP(3), CONSTRAINT "PK_3a02aee77d4f7ce4422b215096e" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_lead_imports_sha" ON "lead_imports"  ("file_sha256") `);
    await queryRunner.query(`CREATE INDEX "ix_lead_imports_created" ON "lead_imports"  ("created_at") `);
    await queryRunner.query(`CREATE TABLE "lead_import_issues" ("id" character varying(36) NOT NULL, "import_id" character varying(36) NOT NULL, "line" integer NOT NULL, "column_name" character varying(200), "kind" character varying(10) NOT NULL, "reason" character varying(500) NOT NULL, "value" character varying(200), "lead_id" character varying(36), CONSTRAINT "PK_6bf54b120435cc7d124b0386fb5" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_lead_import_issues_import" ON "lead_import_issues"  ("import_id", "line") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_lead_import_issues_import"`);
    await queryRunner.query(`DROP TABLE "lead_import_issues"`);
    await queryRunner.query(`DROP INDEX "public"."ix_lead_imports_created"`);
    await queryRunner.query(`DROP INDEX "public"."ix_lead_imports_sha"`);
    await queryRunner.query(`DROP TABLE "lead_imports"`);
    await queryRunner.query(`DROP INDEX "public"."ix_dnc_numbers_list"`);
    await queryRunner.query(`DROP TABLE "dnc_numbers"`);
    await queryRunner.query(`DROP TABLE "dnc_lists"`);
  }
}
