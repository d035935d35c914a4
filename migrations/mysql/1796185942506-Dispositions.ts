import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Disposition catalogues (account-wide, per queue, per schedule) and the audit of dispositions set on conversations. */
export class Dispositions1796185942506 implements MigrationInterface {
  name = 'Dispositions1796185942506';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`dispositions\` (\`id\` varchar(36) NOT NULL, \`scope_type\` varchar(12) NOT NULL, \`scope_id\` varchar(36) NOT NULL, \`code\` varchar(40) NOT NULL, \`label\` varchar(80) NOT NULL, \`contacted\` tinyint NOT NULL DEFAULT 0, \`human_answered\` tinyint NOT NULL DEFAULT 0, \`success\` tinyint NOT NULL DEFAULT 0, \`do_not_call\` tinyint NOT NULL DEFAULT 0, \`callback\` tinyint NOT NULL DEFAULT 0, \`exit_schedule\` tinyint NOT NULL DEFAULT 0, \`final\` tinyint NOT NULL DEFAULT 0, \`action_group_id\` varchar(36) NULL, \`callback_delay_minutes\` int NULL, \`position\` int NOT NULL DEFAULT '0', \`active\` tinyint NOT NULL DEFAULT 1, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, UNIQUE INDEX \`ux_dispositions_scope_code\` (\`scope_type\`, \`scope_id\`, \`code\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`disposition_changes\` (\`id\` varchar(36) NOT NULL, \`conversation_id\` varchar(36) NOT NULL, \`from_code\` varchar(40) NULL, \`to_code\` varchar(40) NOT NULL, \`actor_id\` varchar(36) NULL, \`at\` datetime(3) NOT NULL, \`effects\` text NOT NULL, INDEX \`ix_disposition_changes_conversation\` (\`conversation_id\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_disposition_changes_conversation\` ON \`disposition_changes\``);
    await queryRunner.query(`DROP TABLE \`disposition_changes\``);
    await queryRunner.query(`DROP INDEX \`ux_dispositions_scope_code\` ON \`dispositions\``);
    await queryRunner.query(`DROP TABLE \`dispositions\``);
  }
}
