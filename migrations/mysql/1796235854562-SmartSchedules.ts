import type { MigrationInterface, QueryRunner } from 'typeorm';

/** A schedule is classic (steps in order) or smart (the most relevant step at each turn). */
export class SmartSchedules1796235854562 implements MigrationInterface {
  name = 'SmartSchedules1796235854562';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`schedules\` ADD \`type\` varchar(8) NOT NULL DEFAULT 'classic'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`schedules\` DROP COLUMN \`type\``);
  }
}
