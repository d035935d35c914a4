import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Inbound email (replies, delivery reports) and when an outbound one was answered or bounced. */
export class InboundEmail1796690400000 implements MigrationInterface {
  name = 'InboundEmail1796690400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "email_inbound" ("id" character varying(36) NOT NULL, "lead_id" character varying(36), "from_address" character varying(254) NOT NULL, "to_address" character varying(1000) NOT NULL, "subject" character varying(300) NOT NULL, "body" text NOT NULL, "message_id" character varying(300) NOT NULL, "in_reply_to" character varying(300), "references_header" text, "matched_email_id" character varying(36), "kind" character varying(12) NOT NULL, "received_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_4db1654f58acf344bdb86fd7f55" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_email_inbound_lead" ON "email_inbound"  ("lead_id", "received_at") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "ux_email_inbound_message_id" ON "email_inbound"  ("message_id") `);
    await queryRunner.query(`ALTER TABLE "email_messages" ADD "replied_at" TIMESTAMP(3)`);
    await queryRunner.query(`ALTER TABLE "email_messages" ADD "bounced_at" TIMESTAMP(3)`);
    await queryRunner.query(`CREATE INDEX "ix_email_messages_to" ON "email_messages"  ("to_address") `);
    await queryRunner.query(`CREATE INDEX "ix_email_messages_message_id" ON "email_messages"  ("message_id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."ix_email_messages_message_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_email_messages_to"`);
    await queryRunner.query(`ALTER TABLE "email_messages" DROP COLUMN "bounced_at"`);
    await queryRunner.query(`ALTER TABLE "email_messages" DROP COLUMN "replied_at"`);
    await queryRunner.query(`DROP INDEX "public"."ux_email_inbound_message_id"`);
    await queryRunner.query(`DROP INDEX "public"."ix_email_inbound_lead"`);
    await queryRunner.query(`DROP TABLE "email_inbound"`);
  }
}
