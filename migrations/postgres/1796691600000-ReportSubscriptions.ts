import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Reports emailed as CSV on a schedule to users; an email may go to one of our users rather than a lead. */
export class ReportSubscriptions1796691600000 implements MigrationInterface {
  name = 'ReportSubscriptions1796691600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "report_subscriptions" ("id" character varying(36) NOT NULL, "report" character varying(32) NOT NULL, "queue_id" character varying(36), "agent_id" character varying(36), "group_by" character varying(16) NOT NULL, "range_kind" character varying(16) NOT NULL, "recipients" text NOT NULL, "send_minute" integer NOT NULL DEFAULT '420', "active" boolean NOT NULL DEFAULT true, "created_by" character varying(36) NOT NULL, "last_sent_for" character varying(10), "claimed_by" character varying(64), "claimed_until" TIMESTAMP(3), "created_at" TIMESTAMP(3) NOT NULL, "updated_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_945d832ffd394d105d169eb47e3" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "ix_report_subscriptions_due" ON "report_subscriptions" ("active", "last_sent_for")`);
    await queryRunner.query(`ALTER TABLE "email_messages" ALTER COLUMN "lead_id" DROP NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DELETE FROM "email_messages" WHERE "lead_id" IS NULL`);
    await queryRunner.query(`ALTER TABLE "email_messages" ALTER COLUMN "lead_id" SET NOT NULL`);
    await queryRunner.query(`DROP INDEX "ix_report_subscriptions_due"`);
    await queryRunner.query(`DROP TABLE "report_subscriptions"`);
  }
}
