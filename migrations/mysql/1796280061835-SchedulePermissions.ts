import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Schedule permissions: a schedule's owner, its sharing (with everyone, and per user in
 * schedule_shares) and users' own permission lists. Schedules made before this keep
 * working as they did: owned by their creator and shared with everyone to edit.
 */
export class SchedulePermissions1796280061835 implements MigrationInterface {
  name = 'SchedulePermissions1796280061835';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`schedule_shares\` (\`schedule_id\` varchar(36) NOT NULL, \`user_id\` varchar(36) NOT NULL, \`access\` varchar(8) NOT NULL, \`created_at\` datetime(3) NOT NULL, INDEX \`ix_schedule_shares_user\` (\`user_id\`), PRIMARY KEY (\`schedule_id\`, \`user_id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`ALTER TABLE \`schedules\` ADD \`owner_id\` varchar(36) NULL`);
    await queryRunner.query(`ALTER TABLE \`schedules\` ADD \`shared_with\` varchar(8) NOT NULL DEFAULT 'none'`);
    await queryRunner.query(`ALTER TABLE \`users\` ADD \`permissions\` varchar(500) NULL`);
    await queryRunner.query(`CREATE INDEX \`ix_schedules_owner\` ON \`schedules\` (\`owner_id\`)`);
    await queryRunner.query(`UPDATE \`schedules\` SET \`owner_id\` = \`created_by\`, \`shared_with\` = 'edit'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX \`ix_schedules_owner\` ON \`schedules\``);
    await queryRunner.query(`ALTER TABLE \`users\` DROP COLUMN \`permissions\``);
    await queryRunner.query(`ALTER TABLE \`schedules\` DROP COLUMN \`shared_with\``);
    await queryRunner.query(`ALTER TABLE \`schedules\` DROP COLUMN \`owner_id\``);
    await queryRunner.query(`DROP INDEX \`ix_schedule_shares_user\` ON \`schedule_shares\``);
    await queryRunner.query(`DROP TABLE \`schedule_shares\``);
  }
}
