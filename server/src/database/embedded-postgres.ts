import { closeSync, existsSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedPostgresOptions {
  /** A directory for the data, or `memory` for an in-memory database. */
  dataDir: string;
  /** Must be at least the TypeORM pool size: the socket server refuses extra connections. */
  maxConnections: number;
  /** 0 picks a free port. */
  port?: number;
}

export class DataDirLockedError extends Error {
  constructor(readonly lockFile: string, readonly pid: number) {
    super(`The embedded database at ${dirname(lockFile)} is in use by process ${pid}. Stop it first, or set PGLITE_DATA_DIR to another directory.`);
    this.name = 'DataDirLockedError';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes `<dir>.lock` exclusively. A lock left by a dead process is taken over;
 * one held by a live process refuses, because two PGlite processes on one data
 * directory silently lose writes.
 */
function acquireLock(lockFile: string): () => void {
  mkdirSync(dirname(lockFile), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          if (readFileSync(lockFile, 'utf8').trim() === String(process.pid)) unlinkSync(lockFile);
        } catch {
          /* already gone */
        }
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(readFileSync(lockFile, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && pidAlive(holder)) {
        throw new DataDirLockedError(lockFile, holder);
      }
      unlinkSync(lockFile); // stale: its process is gone
    }
  }
  throw new Error(`Could not take the lock ${lockFile}`);
}

/**
 * PGlite (WASM Postgres) in this process, served over the Postgres wire protocol on
 * 127.0.0.1 so the app talks to it through the ordinary `pg` driver, exactly as
 * it talks to a real server.
 */
export class EmbeddedPostgres {
  private constructor(
    private readonly db: PGlite,
    private readonly server: PGLiteSocketServer,
    private readonly releaseLock: () => void,
    readonly url: string,
  ) {}

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const inMemory = options.dataDir === 'memory';
    const dir = inMemory ? undefined : resolve(options.dataDir);
    const release = dir ? acquireLock(`${dir}.lock`) : () => undefined;
    try {
      if (dir && !existsSync(dir)) mkdirSync(dir, { recursive: true });
      const db = await PGlite.create(dir ? { dataDir: dir } : {});
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: options.maxConnections });
      await server.start();
      const url = `postgres://postgres@${server.getServerConn()}/postgres`;
      return new EmbeddedPostgres(db, server, release, url);
    } catch (e) {
      release();
      throw e;
    }
  }

  async stop(): Promise<void> {
    try {
      await this.server.stop();
      await this.db.close();
    } finally {
      this.releaseLock();
    }
  }
}
