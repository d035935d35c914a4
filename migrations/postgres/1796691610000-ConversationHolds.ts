import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A call keeps the seconds its person was held, and when the open hold began. */
export class ConversationHolds1796691610000 implements MigrationInterface {
  name = 'ConversationHolds1796691610000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" ADD "hold_seconds" integer NOT NULL DEFAULT '0'`);
    await queryRunner.query(`ALTER TABLE "conversations" ADD "held_since" TIMESTAMP(3)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "held_since"`);
    await queryRunner.query(`ALTER TABLE "conversations" DROP COLUMN "hold_seconds"`);
  }
}
