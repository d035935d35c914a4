import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The agent's desk: what a queue does at the wrap-up limit, the agent's "after this call"
 * choice and missed offers in a row, and what each disposition was set with (for repeats).
 */
export class AgentDesk1796690100000 implements MigrationInterface {
  name = 'AgentDesk1796690100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`dial_queues\` ADD \`after_wrap_up_limit\` varchar(8) NOT NULL DEFAULT 'pause'`);
    await queryRunner.query(`ALTER TABLE \`agent_presence\` ADD \`after_call\` varchar(12) NULL`);
    await queryRunner.query(`ALTER TABLE \`agent_presence\` ADD \`missed_offers\` int NOT NULL DEFAULT 0`);
    await queryRunner.query(`ALTER TABLE \`disposition_changes\` ADD \`content\` text NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`disposition_changes\` DROP COLUMN \`content\``);
    await queryRunner.query(`ALTER TABLE \`agent_presence\` DROP COLUMN \`missed_offers\``);
    await queryRunner.query(`ALTER TABLE \`agent_presence\` DROP COLUMN \`after_call\``);
    await queryRunner.query(`ALTER TABLE \`dial_queues\` DROP COLUMN \`after_wrap_up_limit\``);
  }
}
