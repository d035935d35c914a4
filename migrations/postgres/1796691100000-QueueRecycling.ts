import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Lead recycling: a queue's rules for bringing leads back after their final outcome, and
 * on each item its pass through the lists, the disposition it got, whether that asked for
 * a callback, and when it was recycled (or judged not to be).
 */
export class QueueRecycling1796691100000 implements MigrationInterface {
  name = 'QueueRecycling1796691100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "dial_queues" ADD "recycle_rules" text`);
    await queryRunner.query(`ALTER TABLE "dial_queue_items" ADD "pass" integer NOT NULL DEFAULT 1`);
    await queryRunner.query(`ALTER TABLE "dial_queue_items" ADD "disposition" varchar(40)`);
    await queryRunner.query(`ALTER TABLE "dial_queue_items" ADD "callback_requested" boolean NOT NULL DEFAULT false`);
    await queryRunner.query(`ALTER TABLE "dial_queue_items" ADD "recycled_at" TIMESTAMP(3)`);
    await queryRunner.query(`CREATE INDEX "ix_dial_queue_items_recycle" ON "dial_queue_items" ("queue_id", "status", "recycled_at", "updated_at")`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "ix_dial_queue_items_recycle"`);
    for (const c of ['recycled_at', 'callback_requested', 'disposition', 'pass']) await queryRunner.query(`ALTER TABLE "dial_queue_items" DROP COLUMN "${c}"`);
    await queryRunner.query(`ALTER TABLE "dial_queues" DROP COLUMN "recycle_rules"`);
  }
}
