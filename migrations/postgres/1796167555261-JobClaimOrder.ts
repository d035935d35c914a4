import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Claims take due jobs by due time, then priority. An index in exactly that order lets a
 * claim read only the rows it takes; with (status, due_at) alone, a backlog due at the
 * same instant had to be sorted whole on every claim.
 */
export class JobClaimOrder1796167555261 implements MigrationInterface {
  name = 'JobClaimOrder1796167555261';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_scheduled_jobs_claim" ON "scheduled_jobs" ("status", "due_at", "priority" DESC)`);
    await queryRunner.query(`DROP INDEX "public"."ix_scheduled_jobs_due"`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_scheduled_jobs_due" ON "scheduled_jobs" ("status", "due_at")`);
    await queryRunner.query(`DROP INDEX "public"."ix_scheduled_jobs_claim"`);
  }
}
