import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When the gate last let a waiting dial-queue lead through: the pacer checks the head of a queue ahead of its agents. */
export class DialItemPrecheck1796184968853 implements MigrationInterface {
  name = 'DialItemPrecheck1796184968853';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`dial_queue_items\` ADD \`checked_at\` datetime(3) NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`dial_queue_items\` DROP COLUMN \`checked_at\``);
  }
}
