import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Replies as work: what a lead wrote (an inbound text or email), whom it is for, and whether it was answered or dismissed; one per thing written. */
export class LeadReplies1796690600000 implements MigrationInterface {
  name = 'LeadReplies1796690600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`lead_replies\` (\`id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`channel\` varchar(8) NOT NULL, \`ref_id\` varchar(36) NOT NULL, \`owner_id\` varchar(36) NULL, \`received_at\` datetime(3) NOT NULL, \`status\` varchar(12) NOT NULL, \`answered_by\` varchar(36) NULL, \`answered_at\` datetime(3) NULL, INDEX \`ix_lead_replies_lead\` (\`lead_id\`, \`status\`), INDEX \`ix_lead_replies_open\` (\`status\`, \`received_at\`), INDEX \`ix_lead_replies_owner\` (\`owner_id\`, \`status\`, \`received_at\`), UNIQUE INDEX \`uq_lead_replies_ref\` (\`channel\`, \`ref_id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`uq_lead_replies_ref\` ON \`lead_replies\``);
    await queryRunner.query(`DROP INDEX \`ix_lead_replies_owner\` ON \`lead_replies\``);
    await queryRunner.query(`DROP INDEX \`ix_lead_replies_open\` ON \`lead_replies\``);
    await queryRunner.query(`DROP INDEX \`ix_lead_replies_lead\` ON \`lead_replies\``);
    await queryRunner.query(`DROP TABLE \`lead_replies\``);
  }
}
