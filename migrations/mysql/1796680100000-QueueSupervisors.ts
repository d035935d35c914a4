import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Who supervises each queue (they may listen to, coach and join its live calls), and the floor's own rules. */
export class QueueSupervisors1796680100000 implements MigrationInterface {
  name = 'QueueSupervisors1796680100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`account_settings\` ADD \`floor_rules\` text NULL`);
    await queryRunner.query(`CREATE TABLE \`dial_queue_supervisors\` (\`queue_id\` varchar(36) NOT NULL, \`user_id\` varchar(36) NOT NULL, INDEX \`ix_dial_queue_supervisors_user\` (\`user_id\`), PRIMARY KEY (\`queue_id\`, \`user_id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`account_settings\` DROP COLUMN \`floor_rules\``);
    await queryRunner.query(`DROP TABLE \`dial_queue_supervisors\``);
  }
}
