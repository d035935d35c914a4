import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lead recycling: a queue's rules for bringing leads back after their final outcome, and
 * on each item its pass through the lists, the disposition it got, whether that asked for
 * a callback, and when it was recycled (or judged not to be).
 */
export class QueueRecycling1796691100000 implements MigrationInterface {
  name = 'QueueRecycling1796691100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`dial_queues\` ADD \`recycle_rules\` text NULL`);
    await queryRunner.query(
      `ALTER TABLE \`dial_queue_items\` ADD \`pass\` int NOT NULL DEFAULT 1, ADD \`disposition\` varchar(40) NULL, ADD \`callback_requested\` tinyint NOT NULL DEFAULT 0, ADD \`recycled_at\` datetime(3) NULL`,
    );
    await queryRunner.query(`CREATE INDEX \`ix_dial_queue_items_recycle\` ON \`dial_queue_items\` (\`queue_id\`, \`status\`, \`recycled_at\`, \`updated_at\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_dial_queue_items_recycle\` ON \`dial_queue_items\``);
    await queryRunner.query(`ALTER TABLE \`dial_queue_items\` DROP COLUMN \`recycled_at\`, DROP COLUMN \`callback_requested\`, DROP COLUMN \`disposition\`, DROP COLUMN \`pass\``);
    await queryRunner.query(`ALTER TABLE \`dial_queues\` DROP COLUMN \`recycle_rules\``);
  }
}
