import type { MigrationInterface, QueryRunner } from 'typeorm';

/** SMS templates for the agent's composer. */
export class SmsTemplates1796223214903 implements MigrationInterface {
  name = 'SmsTemplates1796223214903';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`sms_templates\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(120) NOT NULL, \`name_key\` varchar(120) NOT NULL, \`body\` text NOT NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`ux_sms_templates_name\` (\`name_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ux_sms_templates_name\` ON \`sms_templates\``);
    await queryRunner.query(`DROP TABLE \`sms_templates\``);
  }
}
