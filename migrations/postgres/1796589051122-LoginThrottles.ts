import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in throttling per (account, client network) and per network, in counters with growing
 * delays, replacing the per-account failure log (which let anyone lock an account out).
 * Old failure rows are dropped: at worst an address gets its free attempts again.
 */
export class LoginThrottles1796589051122 implements MigrationInterface {
  name = 'LoginThrottles1796589051122';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_login_failures_email_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_login_failures_ip_at"`);
    await queryRunner.query(`DROP TABLE "login_failures"`);
    await queryRunner.query(`CREATE TABLE "login_throttles" ("address" character varying(64) NOT NULL, "account" character varying(64) NOT NULL, "failures" integer NOT NULL, "last_failure_at" TIMESTAMP(3), "blocked_until" TIMESTAMP(3), "forget_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_327c2f0b7fc4dabcf46eb085b78" PRIMARY KEY ("address", "account"))`);
    await queryRunner.query(`CREATE INDEX "ix_login_throttles_forget_at" ON "login_throttles"  ("forget_at") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_login_throttles_forget_at"`);
    await queryRunner.query(`DROP TABLE "login_throttles"`);
    await queryRunner.query(`CREATE TABLE "login_failures" ("id" character varying(36) NOT NULL, "email" character varying(254) NOT NULL, "ip" character varying(64) NOT NULL, "at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_8211e8ec810fd7f976b98ce97a0" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_login_failures_ip_at" ON "login_failures"  ("ip", "at") `);
    await queryRunner.query(`CREATE INDEX "ix_login_failures_email_at" ON "login_failures"  ("email", "at") `);
  }
}
