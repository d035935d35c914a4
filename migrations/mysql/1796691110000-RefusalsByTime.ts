import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The consent audit reads the gate's refusals by time. */
export class RefusalsByTime1796691110000 implements MigrationInterface {
  name = 'RefusalsByTime1796691110000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE INDEX \`ix_contact_refusals_at\` ON \`contact_refusals\` (\`at\`, \`id\`)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_contact_refusals_at\` ON \`contact_refusals\``);
  }
}
