import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Each queue call keeps the list its lead came from (the pass through the queue's list, or schedule / callback), for the answer rate by list, and the abandon share the pacer predicted when it placed the call. */
export class CallListKey1796691300000 implements MigrationInterface {
  name = 'CallListKey1796691300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE \`dial_calls\` ADD \`list_key\` varchar(16) NULL`);
    await queryRunner.query(`ALTER TABLE \`dial_calls\` ADD \`predicted_bp\` int NULL`);
    await queryRunner.query(`CREATE INDEX \`ix_dial_calls_queue_list\` ON \`dial_calls\` (\`queue_id\`, \`list_key\`, \`placed_at\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_dial_calls_queue_list\` ON \`dial_calls\``);
    await queryRunner.query(`ALTER TABLE \`dial_calls\` DROP COLUMN \`list_key\``);
    await queryRunner.query(`ALTER TABLE \`dial_calls\` DROP COLUMN \`predicted_bp\``);
  }
}
