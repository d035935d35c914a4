import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in throttling per (account, client network) and per network, in counters with growing
 * delays, replacing the per-account failure log (which let anyone lock an account out).
 * Old failure rows are dropped: at worst an address gets its free attempts again.
 */
export class LoginThrottles1796583100340 implements MigrationInterface {
  name = 'LoginThrottles1796583100340';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_login_failures_email_at"`);
    await queryRunner.query(`DROP INDEX "public"."ix_login_failures_ip_at"`);
    await queryRunner.query(`DROP TABLE "login_failures"`);
    await queryRunner.query(`CREATE TABLE "login_throttles" ("address" character varying(64) NOT NULL, "email" character varying(254) NOT NULL, "failures" integer NOT NULL, "last_failure_at" TIMESTAMP(3), "blocked_until" TIMESTAMP(3), "forget_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_a703402ac19f99d144f9e3124f3" PRIMARY KEY ("address", "email"))`);
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
