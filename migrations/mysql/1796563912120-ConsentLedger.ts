import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The consent ledger keeps its evidence: what an entry is (the person's revocation, the
 * floor's own decision, or an opt-in), how the request came, the words, the conversation,
 * the scope rule when written, a reference that makes a retried write find itself, and the
 * leads an address belonged to. Supervisors' reviews of unsure messages, and the floor's
 * consent rules. Entries written before this are classified by their source: keywords,
 * unsubscribe links, agents and dispositions were the person's requests.
 */

export class ConsentLedger1796563912120 implements MigrationInterface {
  name = 'ConsentLedger1796563912120';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`opt_out_leads\` (\`entry_id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, INDEX \`ix_opt_out_leads_lead\` (\`lead_id\`), PRIMARY KEY (\`entry_id\`, \`lead_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`consent_reviews\` (\`id\` varchar(36) NOT NULL, \`address\` varchar(254) NOT NULL, \`lead_id\` varchar(36) NULL, \`conversation_id\` varchar(36) NULL, \`origin\` varchar(8) NOT NULL, \`words\` varchar(500) NOT NULL, \`matched\` varchar(200) NOT NULL, \`channel\` varchar(8) NOT NULL, \`status\` varchar(16) NOT NULL, \`source_ref\` varchar(120) NULL, \`created_at\` datetime(3) NOT NULL, \`decided_at\` datetime(3) NULL, \`decided_by\` varchar(36) NULL, \`decision_note\` varchar(500) NULL, \`entry_id\` varchar(36) NULL, UNIQUE INDEX \`ux_consent_reviews_source_ref\` (\`source_ref\`), INDEX \`ix_consent_reviews_status\` (\`status\`, \`created_at\`), INDEX \`ix_consent_reviews_address\` (\`address\`, \`status\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` ADD \`kind\` varchar(12) NOT NULL DEFAULT 'internal'`);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` ADD \`origin\` varchar(8) NULL`);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` ADD \`words\` varchar(500) NULL`);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` ADD \`conversation_id\` varchar(36) NULL`);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` ADD \`scope_rule\` varchar(160) NULL`);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` ADD \`source_ref\` varchar(120) NULL`);
    await queryRunner.query(`ALTER TABLE \`account_settings\` ADD \`consent_rules\` text NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX \`ux_opt_outs_source_ref\` ON \`opt_outs\` (\`source_ref\`)`);
    await queryRunner.query(`CREATE INDEX \`ix_opt_outs_created\` ON \`opt_outs\` (\`created_at\`)`);
    await queryRunner.query(`UPDATE \`opt_outs\` SET \`kind\` = 'consent' WHERE \`action\` = 'opt-in'`);
    await queryRunner.query(`UPDATE \`opt_outs\` SET \`kind\` = 'revocation', \`origin\` = 'sms' WHERE \`action\` = 'opt-out' AND \`source\` = 'sms-keyword'`);
    await queryRunner.query(`UPDATE \`opt_outs\` SET \`kind\` = 'revocation', \`origin\` = 'email' WHERE \`action\` = 'opt-out' AND \`source\` = 'unsubscribe-link'`);
    await queryRunner.query(`UPDATE \`opt_outs\` SET \`kind\` = 'revocation', \`origin\` = 'call' WHERE \`action\` = 'opt-out' AND \`source\` IN ('agent', 'disposition')`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_opt_outs_created\` ON \`opt_outs\``);
    await queryRunner.query(`DROP INDEX \`ux_opt_outs_source_ref\` ON \`opt_outs\``);
    await queryRunner.query(`ALTER TABLE \`account_settings\` DROP COLUMN \`consent_rules\``);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` DROP COLUMN \`source_ref\``);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` DROP COLUMN \`scope_rule\``);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` DROP COLUMN \`conversation_id\``);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` DROP COLUMN \`words\``);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` DROP COLUMN \`origin\``);
    await queryRunner.query(`ALTER TABLE \`opt_outs\` DROP COLUMN \`kind\``);
    await queryRunner.query(`DROP INDEX \`ix_consent_reviews_address\` ON \`consent_reviews\``);
    await queryRunner.query(`DROP INDEX \`ix_consent_reviews_status\` ON \`consent_reviews\``);
    await queryRunner.query(`DROP INDEX \`ux_consent_reviews_source_ref\` ON \`consent_reviews\``);
    await queryRunner.query(`DROP TABLE \`consent_reviews\``);
    await queryRunner.query(`DROP INDEX \`ix_opt_out_leads_lead\` ON \`opt_out_leads\``);
    await queryRunner.query(`DROP TABLE \`opt_out_leads\``);
  }
}
