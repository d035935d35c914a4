import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each predictive queue's target abandon share, below the legal cap: what its pacer aims under. */
export class QueueTargetAbandon1796690700000 implements MigrationInterface {
  name = 'QueueTargetAbandon1796690700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`dial_queues\` ADD \`target_abandon_bp\` int NOT NULL DEFAULT 250`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`dial_queues\` DROP COLUMN \`target_abandon_bp\``);
  }
}
