import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each queue's own hold music: what a held person hears in its calls. */
export class QueueHoldMusic1796690200000 implements MigrationInterface {
  name = 'QueueHoldMusic1796690200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "dial_queues" ADD "hold_music_url" character varying(500)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "dial_queues" DROP COLUMN "hold_music_url"`);
  }
}
