import type { MigrationInterface, QueryRunner } from 'typeorm';

export class LeadImportsAndDnc1795347349283 implements MigrationInterface {
  name = 'LeadImportsAndDnc1795347349283';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`dnc_lists\` (\`id\` int NOT NULL AUTO_INCREMENT, \`name\` varchar(120) NOT NULL, \`description\` varchar(500) NULL, \`status\` varchar(16) NOT NULL, \`number_count\` int NOT NULL DEFAULT '0', \`lines_read\` int NOT NULL DEFAULT '0', \`invalid_count\` int NOT NULL DEFAULT '0', \`duplicate_count\` int NOT NULL DEFAULT '0', \`error\` varchar(1000) NULL, \`created_by\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, \`removed_at\` datetime(3) NULL, \`removed_by\` varchar(36) NULL, PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`dnc_numbers\` (\`number\` bigint NOT NULL, \`list_id\` int NOT NULL, INDEX \`ix_dnc_numbers_list\` (\`list_id\`), PRIMARY KEY (\`number\`, \`list_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`lead_imports\` (\`id\` varchar(36) NOT NULL, \`filename\` varchar(255) NOT NULL, \`file_sha256\` varchar(64) NOT NULL, \`file_bytes\` int NOT NULL, \`staging_path\` varchar(500) NULL, \`status\` varchar(16) NOT NULL, \`headers\` text NOT NULL, \`settings\` text NULL, \`total_bytes_read\` int NOT NULL DEFAULT '0', \`rows_processed\` int NOT NULL DEFAULT '0', \`rows_created\` int NOT NULL DEFAULT '0', \`rows_updated\` int NOT NULL DEFAULT '0', \`rows_skipped\` int NOT NULL DEFAULT '0', \`rows_failed\` int NOT NULL DEFAULT '0', \`committed_line\` int NOT NULL DEFAULT '0', \`error\` varchar(1000) NULL, \`worker_id\` varchar(64) NULL, \`lease_until\` datetime(3) NULL, \`created_by\` varchar(36) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, \`started_at\` datetime(3) NULL, \`finished_at\` datetime(3) NULL, INDEX \`ix_lead_imports_sha\` (\`file_sha256\`), INDEX \`ix_lead_imports_created\` (\`created_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`lead_import_issues\` (\`id\` varchar(36) NOT NULL, \`import_id\` varchar(36) NOT NULL, \`line\` int NOT NULL, \`column_name\` varchar(200) NULL, \`kind\` varchar(10) NOT NULL, \`reason\` varchar(500) NOT NULL, \`value\` varchar(200) NULL, \`lead_id\` varchar(36) NULL, INDEX \`ix_lead_import_issues_import\` (\`import_id\`, \`line\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_lead_import_issues_import\` ON \`lead_import_issues\``);
    await queryRunner.query(`DROP TABLE \`lead_import_issues\``);
    await queryRunner.query(`DROP INDEX \`ix_lead_imports_created\` ON \`lead_imports\``);
    await queryRunner.query(`DROP INDEX \`ix_lead_imports_sha\` ON \`lead_imports\``);
    await queryRunner.query(`DROP TABLE \`lead_imports\``);
    await queryRunner.query(`DROP INDEX \`ix_dnc_numbers_list\` ON \`dnc_numbers\``);
    await queryRunner.query(`DROP TABLE \`dnc_numbers\``);
    await queryRunner.query(`DROP TABLE \`dnc_lists\``);
  }
}
