import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Saved lead views, and a schedule's audience with its interval. */
export class AudiencesAndLeadViews1796237225418 implements MigrationInterface {
  name = 'AudiencesAndLeadViews1796237225418';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`lead_views\` (\`id\` varchar(36) NOT NULL, \`name\` varchar(120) NOT NULL, \`name_key\` varchar(120) NOT NULL, \`filter\` text NOT NULL, \`created_by\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`ux_lead_views_name\` (\`name_key\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`schedules\` ADD \`audience\` text NULL`);
    await queryRunner.query(`ALTER TABLE \`schedules\` ADD \`audience_every\` varchar(8) NOT NULL DEFAULT 'hourly'`);
    await queryRunner.query(`ALTER TABLE \`schedules\` ADD \`audience_at\` varchar(5) NOT NULL DEFAULT '09:00'`);
    await queryRunner.query(`ALTER TABLE \`schedules\` ADD \`audience_checked_at\` datetime(3) NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`schedules\` DROP COLUMN \`audience_checked_at\``);
    await queryRunner.query(`ALTER TABLE \`schedules\` DROP COLUMN \`audience_at\``);
    await queryRunner.query(`ALTER TABLE \`schedules\` DROP COLUMN \`audience_every\``);
    await queryRunner.query(`ALTER TABLE \`schedules\` DROP COLUMN \`audience\``);
    await queryRunner.query(`DROP INDEX \`ux_lead_views_name\` ON \`lead_views\``);
    await queryRunner.query(`DROP TABLE \`lead_views\``);
  }
}
