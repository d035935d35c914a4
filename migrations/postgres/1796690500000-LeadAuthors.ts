import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who made a lead and who last changed it (users; null when the system did), for a schedule's Created By / Last Modified By delegation. */
export class LeadAuthors1796690500000 implements MigrationInterface {
  name = 'LeadAuthors1796690500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "leads" ADD "created_by" character varying(36)`);
    await queryRunner.query(`ALTER TABLE "leads" ADD "updated_by" character varying(36)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "leads" DROP COLUMN "updated_by"`);
    await queryRunner.query(`ALTER TABLE "leads" DROP COLUMN "created_by"`);
  }
}
