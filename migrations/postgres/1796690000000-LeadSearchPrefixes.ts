import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The agent's lead search matches the start of names, company, email, tags and numbers. The
 * pattern operator class lets `LIKE 'x%'` use these indexes under any collation (the default
 * operator class only does under "C"); names and company are folded to lower case.
 */
export class LeadSearchPrefixes1796690000000 implements MigrationInterface {
  name = 'LeadSearchPrefixes1796690000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX "ix_leads_first_name_prefix" ON "leads" (LOWER("first_name") varchar_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX "ix_leads_last_name_prefix" ON "leads" (LOWER("last_name") varchar_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX "ix_leads_company_prefix" ON "leads" (LOWER("company") varchar_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX "ix_leads_email_prefix" ON "leads" ("email" varchar_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX "ix_lead_phones_e164_prefix" ON "lead_phones" ("e164" varchar_pattern_ops)`);
    await queryRunner.query(`CREATE INDEX "ix_lead_tags_tag_prefix" ON "lead_tags" ("tag" varchar_pattern_ops)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_lead_tags_tag_prefix"`);
    await queryRunner.query(`DROP INDEX "public"."ix_lead_phones_e164_prefix"`);
    await queryRunner.query(`DROP INDEX "public"."ix_leads_email_prefix"`);
    await queryRunner.query(`DROP INDEX "public"."ix_leads_company_prefix"`);
    await queryRunner.query(`DROP INDEX "public"."ix_leads_last_name_prefix"`);
    await queryRunner.query(`DROP INDEX "public"."ix_leads_first_name_prefix"`);
  }
}
