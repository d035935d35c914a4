import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LeadsAndCompliance1795342479370 implements MigrationInterface {
  name = 'LeadsAndCompliance1795342479370';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`blocks\` (\`id\` varchar(36) NOT NULL, \`kind\` varchar(10) NOT NULL, \`value\` varchar(20) NOT NULL, \`reason\` varchar(500) NULL, \`source\` varchar(16) NOT NULL, \`actor_id\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, \`removed_at\` datetime(3) NULL, \`removed_by\` varchar(36) NULL, INDEX \`ix_blocks_kind_value\` (\`kind\`, \`value\`, \`removed_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`contact_attempts\` (\`id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`channel\` varchar(8) NOT NULL, \`address\` varchar(254) NOT NULL, \`at\` datetime(3) NOT NULL, INDEX \`ix_contact_attempts_lead_channel_at\` (\`lead_id\`, \`channel\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`contact_refusals\` (\`id\` varchar(36) NOT NULL, \`lead_id\` varchar(36) NOT NULL, \`channel\` varchar(8) NOT NULL, \`address\` varchar(254) NULL, \`at\` datetime(3) NOT NULL, \`codes\` varchar(200) NOT NULL, \`reasons\` text NOT NULL, \`next_allowed_at\` datetime(3) NULL, \`context\` varchar(80) NOT NULL, INDEX \`ix_contact_refusals_lead_at\` (\`lead_id\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`opt_outs\` (\`id\` varchar(36) NOT NULL, \`address\` varchar(254) NOT NULL, \`address_type\` varchar(8) NOT NULL, \`action\` varchar(8) NOT NULL, \`channel\` varchar(8) NOT NULL, \`scope_type\` varchar(12) NOT NULL, \`scope_id\` varchar(36) NOT NULL, \`source\` varchar(16) NOT NULL, \`actor_id\` varchar(36) NULL, \`note\` varchar(500) NULL, \`created_at\` datetime(3) NOT NULL, \`superseded_at\` datetime(3) NULL, \`superseded_by\` varchar(36) NULL, INDEX \`ix_opt_outs_address_active\` (\`address\`, \`superseded_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`custom_field_definitions\` (\`key\` varchar(64) NOT NULL, \`label\` varchar(120) NOT NULL, \`type\` varchar(16) NOT NULL, \`options\` text NULL, \`created_at\` datetime(3) NOT NULL, PRIMARY KEY (\`key\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`leads\` (\`id\` varchar(36) NOT NULL, \`first_name\` varchar(100) NULL, \`last_name\` varchar(100) NULL, \`company\` varchar(200) NULL, \`email\` varchar(254) NULL, \`phone\` varchar(20) NULL, \`timezone\` varchar(64) NULL, \`region\` varchar(8) NULL, \`owner_id\` varchar(36) NULL, \`status\` varchar(32) NOT NULL, \`custom_fields\` text NOT NULL, \`last_contacted_at\` datetime(3) NULL, \`last_activity_at\` datetime(3) NULL, \`last_activity_type\` varchar(32) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, \`deleted_at\` datetime(3) NULL, INDEX \`ix_leads_phone\` (\`phone\`), INDEX \`ix_leads_email\` (\`email\`), INDEX \`ix_leads_status\` (\`status\`), INDEX \`ix_leads_owner\` (\`owner_id\`), INDEX \`ix_leads_created\` (\`created_at\`, \`id\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`lead_phones\` (\`lead_id\` varchar(36) NOT NULL, \`e164\` varchar(20) NOT NULL, \`label\` varchar(16) NOT NULL, \`position\` int NOT NULL, INDEX \`ix_lead_phones_e164\` (\`e164\`), PRIMARY KEY (\`lead_id\`, \`e164\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`lead_tags\` (\`lead_id\` varchar(36) NOT NULL, \`tag\` varchar(64) NOT NULL, INDEX \`ix_lead_tags_tag\` (\`tag\`), PRIMARY KEY (\`lead_id\`, \`tag\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`account_settings\` (\`id\` int NOT NULL, \`default_timezone\` varchar(64) NOT NULL, \`default_country\` varchar(2) NOT NULL, \`attempt_caps\` text NULL, \`calling_rules\` text NULL, \`updated_at\` datetime(3) NOT NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`account_settings\``);
    await queryRunner.query(`DROP INDEX \`ix_lead_tags_tag\` ON \`lead_tags\``);
    await queryRunner.query(`DROP TABLE \`lead_tags\``);
    await queryRunner.query(`DROP INDEX \`ix_lead_phones_e164\` ON \`lead_phones\``);
    await queryRunner.query(`DROP TABLE \`lead_phones\``);
    await queryRunner.query(`DROP INDEX \`ix_leads_created\` ON \`leads\``);
    await queryRunner.query(`DROP INDEX \`ix_leads_owner\` ON \`leads\``);
    await queryRunner.query(`DROP INDEX \`ix_leads_status\` ON \`leads\``);
    await queryRunner.query(`DROP INDEX \`ix_leads_email\` ON \`leads\``);
    await queryRunner.query(`DROP INDEX \`ix_leads_phone\` ON \`leads\``);
    await queryRunner.query(`DROP TABLE \`leads\``);
    await queryRunner.query(`DROP TABLE \`custom_field_definitions\``);
    await queryRunner.query(`DROP INDEX \`ix_opt_outs_address_active\` ON \`opt_outs\``);
    await queryRunner.query(`DROP TABLE \`opt_outs\``);
    await queryRunner.query(`DROP INDEX \`ix_contact_refusals_lead_at\` ON \`contact_refusals\``);
    await queryRunner.query(`DROP TABLE \`contact_refusals\``);
    await queryRunner.query(`DROP INDEX \`ix_contact_attempts_lead_channel_at\` ON \`contact_attempts\``);
    await queryRunner.query(`DROP TABLE \`contact_attempts\``);
    await queryRunner.query(`DROP INDEX \`ix_blocks_kind_value\` ON \`blocks\``);
    await queryRunner.query(`DROP TABLE \`blocks\``);
  }
}
