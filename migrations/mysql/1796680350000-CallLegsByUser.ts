import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Legs found by their user: the call a user's phone is on, and the call they last held (a wrap-up owed after a reload). */
export class CallLegsByUser1796680350000 implements MigrationInterface {
  name = 'CallLegsByUser1796680350000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX \`ix_call_legs_user\` ON \`call_legs\` (\`user_id\`, \`joined_at\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_call_legs_user\` ON \`call_legs\``);
  }
}
