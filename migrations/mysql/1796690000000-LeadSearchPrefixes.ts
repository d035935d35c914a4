import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The agent's lead search matches the start of names, company, email, tags and numbers. The
 * columns' case-insensitive collation lets plain indexes answer `LIKE 'x%'` in any case; email,
 * numbers and tags already had theirs (ix_leads_email, ix_lead_phones_e164, ix_lead_tags_tag).
 */
export class LeadSearchPrefixes1796690000000 implements MigrationInterface {
  name = 'LeadSearchPrefixes1796690000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX \`ix_leads_first_name_prefix\` ON \`leads\` (\`first_name\`)`);
    await queryRunner.query(`CREATE INDEX \`ix_leads_last_name_prefix\` ON \`leads\` (\`last_name\`)`);
    await queryRunner.query(`CREATE INDEX \`ix_leads_company_prefix\` ON \`leads\` (\`company\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_leads_company_prefix\` ON \`leads\``);
    await queryRunner.query(`DROP INDEX \`ix_leads_last_name_prefix\` ON \`leads\``);
    await queryRunner.query(`DROP INDEX \`ix_leads_first_name_prefix\` ON \`leads\``);
  }
}
