import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The CSV import that made a lead (null for leads made otherwise, and for those made before imports were remembered), for a list's penetration per import. */
export class LeadImportOrigin1796691500000 implements MigrationInterface {
  name = 'LeadImportOrigin1796691500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`leads\` ADD \`import_id\` varchar(36) NULL`);
    await queryRunner.query(`CREATE INDEX \`ix_leads_import\` ON \`leads\` (\`import_id\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_leads_import\` ON \`leads\``);
    await queryRunner.query(`ALTER TABLE \`leads\` DROP COLUMN \`import_id\``);
  }
}
