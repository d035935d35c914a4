import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sign-in throttling per (account, client network) and per network, in counters with growing
 * delays, replacing the per-account failure log (which let anyone lock an account out).
 * Old failure rows are dropped: at worst an address gets its free attempts again.
 */
export class LoginThrottles1796589051122 implements MigrationInterface {
  name = 'LoginThrottles1796589051122';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_login_failures_email_at\` ON \`login_failures\``);
    await queryRunner.query(`DROP INDEX \`ix_login_failures_ip_at\` ON \`login_failures\``);
    await queryRunner.query(`DROP TABLE \`login_failures\``);
    await queryRunner.query(`CREATE TABLE \`login_throttles\` (\`address\` varchar(64) NOT NULL, \`account\` varchar(64) NOT NULL, \`failures\` int NOT NULL, \`last_failure_at\` datetime(3) NULL, \`blocked_until\` datetime(3) NULL, \`forget_at\` datetime(3) NOT NULL, INDEX \`ix_login_throttles_forget_at\` (\`forget_at\`), PRIMARY KEY (\`address\`, \`account\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_login_throttles_forget_at\` ON \`login_throttles\``);
    await queryRunner.query(`DROP TABLE \`login_throttles\``);
    await queryRunner.query(`CREATE TABLE \`login_failures\` (\`id\` varchar(36) NOT NULL, \`email\` varchar(254) NOT NULL, \`ip\` varchar(64) NOT NULL, \`at\` datetime(3) NOT NULL, INDEX \`ix_login_failures_ip_at\` (\`ip\`, \`at\`), INDEX \`ix_login_failures_email_at\` (\`email\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }
}
