import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The deployment's own id (one row, made by the first instance to start): instances share
 * their realtime fan-out channel by it, however they reach the database.
 */
export class Deployment1796594986416 implements MigrationInterface {
  name = 'Deployment1796594986416';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "deployment" ("id" integer NOT NULL, "deployment_id" character varying(36) NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "PK_ee1f952fc81f37c6fea69c2e248" PRIMARY KEY ("id"))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "deployment"`);
  }
}
