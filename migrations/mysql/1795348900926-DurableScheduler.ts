import type { MigrationInterface, QueryRunner } from 'typeorm';

export class DurableScheduler1795348900926 implements MigrationInterface {
  name = 'DurableScheduler1795348900926';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`scheduled_jobs\` (\`id\` varchar(36) NOT NULL, \`queue\` varchar(48) NOT NULL, \`payload\` text NOT NULL, \`due_at\` datetime(3) NOT NULL, \`status\` varchar(12) NOT NULL, \`priority\` int NOT NULL DEFAULT '0', \`attempt\` int NOT NULL DEFAULT '0', \`failures\` int NOT NULL DEFAULT '0', \`max_attempts\` int NOT NULL, \`lease_owner\` varchar(64) NULL, \`lease_until\` datetime(3) NULL, \`last_error\` varchar(1000) NULL, \`dedupe_key\` varchar(160) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, \`finished_at\` datetime(3) NULL, UNIQUE INDEX \`ux_scheduled_jobs_dedupe\` (\`dedupe_key\`), INDEX \`ix_scheduled_jobs_lease\` (\`status\`, \`lease_until\`), INDEX \`ix_scheduled_jobs_due\` (\`status\`, \`due_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`cluster_locks\` (\`name\` varchar(64) NOT NULL, \`owner\` varchar(64) NOT NULL, \`held_until\` datetime(3) NOT NULL, PRIMARY KEY (\`name\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`cluster_locks\``);
    await queryRunner.query(`DROP INDEX \`ix_scheduled_jobs_due\` ON \`scheduled_jobs\``);
    await queryRunner.query(`DROP INDEX \`ix_scheduled_jobs_lease\` ON \`scheduled_jobs\``);
    await queryRunner.query(`DROP INDEX \`ux_scheduled_jobs_dedupe\` ON \`scheduled_jobs\``);
    await queryRunner.query(`DROP TABLE \`scheduled_jobs\``);
  }
}
