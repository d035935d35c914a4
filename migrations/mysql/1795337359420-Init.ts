import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1795337359420 implements MigrationInterface {
  name = 'Init1795337359420';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`login_failures\` (\`id\` varchar(36) NOT NULL, \`email\` varchar(254) NOT NULL, \`ip\` varchar(64) NOT NULL, \`at\` datetime(3) NOT NULL, INDEX \`ix_login_failures_ip_at\` (\`ip\`, \`at\`), INDEX \`ix_login_failures_email_at\` (\`email\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`refresh_tokens\` (\`id\` varchar(36) NOT NULL, \`user_id\` varchar(36) NOT NULL, \`family_id\` varchar(36) NOT NULL, \`token_hash\` varchar(64) NOT NULL, \`expires_at\` datetime(3) NOT NULL, \`revoked_at\` datetime(3) NULL, \`replaced_by\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_refresh_tokens_hash\` (\`token_hash\`), INDEX \`ix_refresh_tokens_user\` (\`user_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`users\` (\`id\` varchar(36) NOT NULL, \`email\` varchar(254) NOT NULL, \`name\` varchar(120) NOT NULL, \`role\` varchar(16) NOT NULL, \`password_hash\` varchar(255) NOT NULL, \`active\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`uq_users_email\` (\`email\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`uq_users_email\` ON \`users\``);
    await queryRunner.query(`DROP TABLE \`users\``);
    await queryRunner.query(`DROP INDEX \`ix_refresh_tokens_user\` ON \`refresh_tokens\``);
    await queryRunner.query(`DROP INDEX \`uq_refresh_tokens_hash\` ON \`refresh_tokens\``);
    await queryRunner.query(`DROP TABLE \`refresh_tokens\``);
    await queryRunner.query(`DROP INDEX \`ix_login_failures_email_at\` ON \`login_failures\``);
    await queryRunner.query(`DROP INDEX \`ix_login_failures_ip_at\` ON \`login_failures\``);
    await queryRunner.query(`DROP TABLE \`login_failures\``);
  }
}
