import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A queue item the gate refused for good keeps the refusal's codes (a list's penetration says why leads are out). */
export class ItemRefusalCodes1796691120000 implements MigrationInterface {
  name = 'ItemRefusalCodes1796691120000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`dial_queue_items\` ADD \`refusal_codes\` varchar(120) NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`dial_queue_items\` DROP COLUMN \`refusal_codes\``);
  }
}
