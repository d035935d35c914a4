import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795337359420 implements MigrationInterface {
  name = 'Init1795337359420';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "login_failures" ("id" character varying(36) NOT NULL, "email" character varying(254) NOT NULL, "ip" character varying(64) NOT NULL, "at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_8211e8ec810fd7f976b98ce97a0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_login_failures_ip_at" ON "login_failures"  ("ip", "at") `);
    await queryRunner.query(`CREATE INDEX "ix_login_failures_email_at" ON "login_failures"  ("email", "at") `);
    await queryRunner.query(`CREATE TABLE "refresh_tokens" ("id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, "family_id" character varying(36) NOT NULL, "token_hash" character varying(64) NOT NULL, "expires_at" TIMESTAMP(3) NOT NULL, "revoked_at" TIMESTAMP(3), "replaced_by" character varying(36), "created_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_7d8bee0204106019488c4c50ffa" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_refresh_tokens_hash" ON "refresh_tokens"  ("token_hash") `);
    await queryRunner.query(`CREATE INDEX "ix_refresh_tokens_user" ON "refresh_tokens"  ("user_id") `);
    await queryRunner.query(`CREATE TABLE "users" ("id" character varying(36) NOT NULL, "email" character varying(254) NOT NULL, "name" character varying(120) NOT NULL, "role" character varying(16) NOT NULL, "password_hash" character varying(255) NOT NULL, "active" boolean NOT NULL DEFAULT true, "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_a3ffb1c0c8416b9fc6f907b7433" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_users_email" ON "users"  ("email") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."uq_users_email"`);
    await queryRunner.query(`DROP TABLE "users"`);
    await queryRunner.query(`DROP INDEX "public"."ix_refresh_tokens_user"`);
    await queryRunner.query(`DROP INDEX "public"."uq_refresh_tokens_hash"`);
    await queryRunner.query(`DROP TABLE "refresh_tokens"`);
    await queryRunner.query(`DROP INDEX "public"."ix_login_failures_email_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_login_failures_ip_at"`);
    await queryRunner.query(`DROP TABLE "login_failures"`);
  }
}
