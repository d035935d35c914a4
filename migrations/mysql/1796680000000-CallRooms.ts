import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Every agent call is a conference room: the legs in it (customer, agent, supervisors
 * monitoring, transfers) and the call's events (joins, leaves, holds, monitoring, owners).
 */
export class CallRooms1796680000000 implements MigrationInterface {
  name = 'CallRooms1796680000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE \`call_legs\` (\`id\` varchar(36) NOT NULL, \`conversation_id\` varchar(36) NOT NULL, \`call_sid\` varchar(64) NULL, \`conference_sid\` varchar(64) NULL, \`role\` varchar(16) NOT NULL, \`user_id\` varchar(36) NULL, \`address\` varchar(64) NOT NULL, \`mode\` varchar(8) NULL, \`status\` varchar(12) NOT NULL, \`muted\` tinyint NOT NULL, \`held\` tinyint NOT NULL, \`joined_at\` datetime(3) NULL, \`left_at\` datetime(3) NULL, \`created_at\` datetime(3) NOT NULL, \`updated_at\` datetime(3) NOT NULL, INDEX \`ix_call_legs_open\` (\`status\`, \`role\`), UNIQUE INDEX \`ux_call_legs_call_sid\` (\`call_sid\`), INDEX \`ix_call_legs_conversation\` (\`conversation_id\`, \`created_at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
    await queryRunner.query(`CREATE TABLE \`call_events\` (\`id\` varchar(36) NOT NULL, \`conversation_id\` varchar(36) NOT NULL, \`leg_id\` varchar(36) NULL, \`kind\` varchar(24) NOT NULL, \`actor_id\` varchar(36) NULL, \`detail\` varchar(200) NULL, \`at\` datetime(3) NOT NULL, INDEX \`ix_call_events_conversation\` (\`conversation_id\`, \`at\`), PRIMARY KEY (\`id\`)) ENGINE=InnoDB`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE \`call_events\``);
    await queryRunner.query(`DROP TABLE \`call_legs\``);
  }
}
