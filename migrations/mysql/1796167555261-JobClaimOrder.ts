import type { MigrationInterface, QueryRunner } from 'typeorm';

/** See the postgres migration of the same name: the claim's order as an index. */
export class JobClaimOrder1796167555261 implements MigrationInterface {
  name = 'JobClaimOrder1796167555261';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX \`ix_scheduled_jobs_claim\` ON \`scheduled_jobs\` (\`status\`, \`due_at\`, \`priority\` DESC)`);
    await queryRunner.query(`DROP INDEX \`ix_scheduled_jobs_due\` ON \`scheduled_jobs\``);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX \`ix_scheduled_jobs_due\` ON \`scheduled_jobs\` (\`status\`, \`due_at\`)`);
    await queryRunner.query(`DROP INDEX \`ix_scheduled_jobs_claim\` ON \`scheduled_jobs\``);
  }
}
