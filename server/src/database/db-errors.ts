/** Driver errors the repositories act on, the same way on PostgreSQL, PGlite and MySQL/MariaDB. */

interface DriverError {
  code?: string;
  errno?: number;
  driverError?: { code?: string; errno?: number };
}

function codes(e: unknown): { code: string | undefined; errno: number | undefined } {
  const err = e as DriverError;
  return { code: err?.driverError?.code ?? err?.code, errno: err?.driverError?.errno ?? err?.errno };
}

/** A unique constraint refused the write. */
export function isUniqueViolation(e: unknown): boolean {
  const { code, errno } = codes(e);
  return code === '23505' || code === 'ER_DUP_ENTRY' || errno === 1062;
}

/** MySQL/MariaDB deadlock or lock-wait timeout, or a PostgreSQL deadlock: safe to run again. */
export function isRetryable(e: unknown): boolean {
  const { code, errno } = codes(e);
  return code === 'ER_LOCK_DEADLOCK' || code === 'ER_LOCK_WAIT_TIMEOUT' || errno === 1213 || errno === 1205 || code === '40P01';
}

/**
 * Runs a statement or transaction again when the database picked it as a deadlock
 * victim. InnoDB takes next-key locks on the index it scans, so concurrent claimers
 * and completions can deadlock now and then; each attempt is atomic, so a retry is safe.
 */
export async function retrying<T>(fn: () => Promise<T>, attempts = 5, also: (e: unknown) => boolean = () => false, pause: (attempt: number) => number = (i) => 5 * i + Math.floor(Math.random() * 10)): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts || !(isRetryable(e) || also(e))) throw e;
      await new Promise((r) => setTimeout(r, pause(i)));
    }
  }
}

const LOST_CODES = new Set(['57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006', 'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'PROTOCOL_CONNECTION_LOST', 'ER_SERVER_SHUTDOWN', 'ER_CONNECTION_KILLED', 'ER_QUERY_INTERRUPTED', 'PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR', 'ER_CON_COUNT_ERROR']);
const RELEASED = new Set(['QueryRunnerAlreadyReleasedError', 'QueryRunnerProviderAlreadyReleasedError']);
const LOST_ERRNOS = new Set([1053, 1927, 2006, 2013, 1317]);
const LOST_MESSAGES = /connection terminated|connection is closed|connection lost|closed state|terminating connection|server has gone away|lost connection|socket hang up|client has encountered a connection error|cannot use a pool after calling end|timeout exceeded when trying to connect/i;

/**
 * The connection to the database went away (a restart, a failover, a pooler or an
 * operator killing it): the pool reconnects on the next statement, so work may be tried
 * again, or left to its lease when trying again is not safe.
 */
export function isConnectionLost(e: unknown): boolean {
  // The connection died between two statements of a transaction: TypeORM released it, and the next statement says so.
  if (RELEASED.has((e as Error)?.name)) return true;
  const { code, errno } = codes(e);
  if ((code && LOST_CODES.has(code)) || (errno !== undefined && LOST_ERRNOS.has(errno))) return true;
  const message = (e as Error)?.message ?? '';
  const cause = ((e as { driverError?: Error })?.driverError?.message ?? '') + ((e as { cause?: Error })?.cause?.message ?? '');
  return LOST_MESSAGES.test(message) || LOST_MESSAGES.test(cause);
}

/**
 * Like `retrying`, for a lost connection too, with pauses that grow to about a second:
 * long enough for the pool to reconnect, short enough to keep the work moving.
 */
export function retryingThroughFaults<T>(fn: () => Promise<T>, attempts = 6): Promise<T> {
  return retrying(fn, attempts, isConnectionLost, (i) => Math.min(1_000, 25 * 2 ** i) + Math.floor(Math.random() * 25));
}
