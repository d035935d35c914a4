import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who supervises each queue (they may listen to, coach and join its live calls), and the floor's own rules. */
export class QueueSupervisors1796680100000 implements MigrationInterface {
  name = 'QueueSupervisors1796680100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account_settings" ADD "floor_rules" text`);
    await queryRunner.query(`CREATE TABLE "dial_queue_supervisors" ("queue_id" character varying(36) NOT NULL, "user_id" character varying(36) NOT NULL, CONSTRAINT "PK_5d9c421ae852bd229afbab4ccdc" PRIMARY KEY ("queue_id", "user_id"))`);
    await queryRunner.query(`CREATE INDEX "ix_dial_queue_supervisors_user" ON "dial_queue_supervisors"  ("user_id") `);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "account_settings" DROP COLUMN "floor_rules"`);
    await queryRunner.query(`DROP INDEX "public"."ix_dial_queue_supervisors_user"`);
    await queryRunner.query(`DROP TABLE "dial_queue_supervisors"`);
  }
}
