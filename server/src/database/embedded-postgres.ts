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
  /** An in-memory database starts as this dump of another (`dumpDataDir`), skipping initdb. */
  loadDataDir?: Blob;
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

interface QueuedMessage {
  handlerId: number;
  message: Uint8Array;
  resolve: (bytes: number) => void;
  reject: (e: unknown) => void;
  onData: (data: Uint8Array) => void;
}

interface MessageQueue {
  queue: QueuedMessage[];
  processing: boolean;
  lastHandlerId: number | null;
  processQueue: () => Promise<void>;
}

/** Extended-protocol messages that open or continue a batch: Parse, Bind, Describe, Execute, Close, Flush. */
const IN_BATCH = new Set(['P', 'B', 'D', 'E', 'C', 'H'].map((c) => c.charCodeAt(0)));
/** Messages after which a connection's batch is complete: Sync, simple Query, Terminate. */
const BATCH_ENDS = new Set(['S', 'Q', 'X'].map((c) => c.charCodeAt(0)));

function batchAfter(open: number | null, handlerId: number, type: number): number | null {
  if (IN_BATCH.has(type)) return handlerId;
  if (BATCH_ENDS.has(type)) return null;
  return open; // start-up and authentication messages leave it as it was
}

/**
 * PGlite is one backend session shared by every socket connection. The socket server
 * keeps a transaction's statements together, but between transactions it takes
 * protocol messages from all connections in turn, one message at a time — so one
 * connection's Parse could be followed by another's, and its Bind would then run the
 * other's statement. This keeps each connection's batch (Parse … Sync) whole: once a
 * connection starts a batch, only its messages are taken until the batch or its
 * transaction ends.
 */
function keepBatchesWhole(server: PGLiteSocketServer, db: PGlite): void {
  const q = (server as unknown as { queryQueue: MessageQueue }).queryQueue;
  let openBatch: number | null = null;
  q.processQueue = async function processQueue(this: MessageQueue): Promise<void> {
    if (this.processing || this.queue.length === 0) return;
    this.processing = true;
    try {
      while (this.queue.length > 0) {
        const pinned = openBatch ?? (db.isInTransaction() ? this.lastHandlerId : null);
        const index = pinned === null ? 0 : this.queue.findIndex((m) => m.handlerId === pinned);
        if (index === -1) break; // wait for the pinned connection's next message
        const item = this.queue.splice(index, 1)[0];
        let bytes = 0;
        try {
          await db.runExclusive(() =>
            db.execProtocolRawStream(item.message, {
              onRawData: (data: Uint8Array) => {
                bytes += data.length;
                item.onData(data);
              },
            }),
          );
        } catch (e) {
          openBatch = batchAfter(openBatch, item.handlerId, item.message[0]);
          item.reject(e);
          continue;
        }
        this.lastHandlerId = item.handlerId;
        openBatch = batchAfter(openBatch, item.handlerId, item.message[0]);
        item.resolve(bytes);
      }
    } finally {
      this.processing = false;
    }
  }.bind(q);
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
      const db = await PGlite.create(dir ? { dataDir: dir } : options.loadDataDir ? { loadDataDir: options.loadDataDir } : {});
      const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port ?? 0, maxConnections: options.maxConnections });
      keepBatchesWhole(server, db);
      await server.start();
      const url = `postgres://postgres@${server.getServerConn()}/postgres`;
      return new EmbeddedPostgres(db, server, release, url);
    } catch (e) {
      release();
      throw e;
    }
  }

  /** The whole data directory as a tarball, for `loadDataDir`. */
  dump(): Promise<Blob> {
    return this.db.dumpDataDir('none');
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
