import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When a schedule email was first opened and first clicked. */
export class EmailOpensClicks1796235119658 implements MigrationInterface {
  name = 'EmailOpensClicks1796235119658';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`email_messages\` ADD \`opened_at\` datetime(3) NULL`);
    await queryRunner.query(`ALTER TABLE \`email_messages\` ADD \`clicked_at\` datetime(3) NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`email_messages\` DROP COLUMN \`clicked_at\``);
    await queryRunner.query(`ALTER TABLE \`email_messages\` DROP COLUMN \`opened_at\``);
  }
}
