import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The deployment's own id (one row, made by the first instance to start): instances share
 * their realtime fan-out channel by it, however they reach the database.
 */
export class Deployment1796594986416 implements MigrationInterface {
  name = 'Deployment1796594986416';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`deployment\` (\`id\` int NOT NULL, \`deployment_id\` varchar(36) NOT NULL, \`created_at\` datetime(3) NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`deployment\``);
  }
}
