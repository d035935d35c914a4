import mysql from 'mysql2/promise';
import pg from 'pg';
import { DataSource, type DataSourceOptions } from 'typeorm';
import type { DatabaseKind } from '../config/app-config.js';
import { MYSQL_MIGRATIONS } from '../../../migrations/mysql/index.js';
import { POSTGRES_MIGRATIONS } from '../../../migrations/postgres/index.js';
import { AfterCommitSubscriber } from '../common/after-commit.js';

const TIMESTAMP_WITHOUT_TZ = 1114;
let pgConfigured = false;

/**
 * Zone-less timestamp columns hold UTC. node-pg would otherwise write and read
 * them in the process's local zone.
 */
function configurePgForUtc(): void {
  if (pgConfigured) return;
  pg.defaults.parseInputDatesAsUTC = true;
  pg.types.setTypeParser(TIMESTAMP_WITHOUT_TZ, (value: string) => new Date(value.replace(' ', 'T') + 'Z'));
  pgConfigured = true;
}

export interface ConnectionSpec {
  kind: DatabaseKind;
  url: string;
  poolSize: number;
  /** For the MySQL family: the server is MariaDB (TypeORM reads its catalogue differently). */
  mariadb?: boolean;
  /**
   * The tables the connection maps: the composition root's list (`server/src/entities.ts`),
   * or none for a connection that only runs migrations. Given by the caller, so the database
   * room knows no feature.
   */
  entities: NonNullable<DataSourceOptions['entities']>;
}

/** Asks a MySQL-family server whether it is MariaDB. */
export async function isMariaDb(url: string): Promise<boolean> {
  if (url.startsWith('mariadb:')) return true;
  const conn = await mysql.createConnection(url);
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return /mariadb/i.test(String((rows as Array<{ v: string }>)[0]?.v));
  } finally {
    await conn.end();
  }
}

/** An uninitialised DataSource for the database at `url`, with the dialect detected. */
export async function createDataSource(spec: Omit<ConnectionSpec, 'mariadb'>): Promise<DataSource> {
  const mariadb = spec.kind === 'mysql' ? await isMariaDb(spec.url.replace(/^mariadb:/, 'mysql:')) : false;
  return new DataSource(dataSourceOptions({ ...spec, mariadb }));
}

/** TypeORM options for one database. Never `synchronize`: migrations own the schema. */
export function dataSourceOptions(spec: ConnectionSpec): DataSourceOptions {
  const common = { entities: spec.entities, subscribers: [AfterCommitSubscriber], synchronize: false, migrationsRun: false, logging: false as const };
  if (spec.kind === 'mysql') {
    const url = spec.url.replace(/^mariadb:/, 'mysql:');
    return {
      ...common,
      type: spec.mariadb ? 'mariadb' : 'mysql',
      url,
      timezone: 'Z',
      charset: 'utf8mb4_unicode_ci',
      supportBigNumbers: true,
      bigNumberStrings: false,
      poolSize: spec.poolSize,
      migrations: MYSQL_MIGRATIONS,
      migrationsTableName: 'migrations',
    };
  }
  configurePgForUtc();
  return {
    ...common,
    type: 'postgres',
    url: spec.url,
    poolSize: spec.poolSize,
    migrations: POSTGRES_MIGRATIONS,
    migrationsTableName: 'migrations',
    // PGlite serves one backend session: named prepared statements would collide.
    extra: { max: spec.poolSize, application_name: 'switchboard' },
  };
}
