import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Integrations (settings in the clear, secrets sealed) and links from leads to their records at outside services. */
export class Integrations1796220310817 implements MigrationInterface {
  name = 'Integrations1796220310817';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`integrations\` (\`id\` varchar(36) NOT NULL, \`kind\` varchar(16) NOT NULL, \`name\` varchar(120) NOT NULL, \`name_key\` varchar(120) NOT NULL, \`settings\` text NOT NULL, \`secrets\` text NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`ux_integrations_name\` (\`name_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`integration_links\` (\`id\` varchar(36) NOT NULL, \`integration_id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`external_id\` varchar(100) NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`ux_integration_links_lead\` (\`integration_id\`, \`lead_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ux_integration_links_lead\` ON \`integration_links\``);
    await queryRunner.query(`DROP TABLE \`integration_links\``);
    await queryRunner.query(`DROP INDEX \`ux_integrations_name\` ON \`integrations\``);
    await queryRunner.query(`DROP TABLE \`integrations\``);
  }
}
