import type { MigrationInterface, QueryRunner } from 'typeorm';

/** When a delivery status notification said the lead's mailbox took an email. */
export class EmailDelivered1796690900000 implements MigrationInterface {
  name = 'EmailDelivered1796690900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "email_messages" ADD "delivered_at" TIMESTAMP(3)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "email_messages" DROP COLUMN "delivered_at"`);
  }
}
