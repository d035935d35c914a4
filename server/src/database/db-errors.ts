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
export async function retrying<T>(fn: () => Promise<T>, attempts = 5, also: (e: unknown) => boolean = () => false): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await fn();
    } catch (e) {
      if (i >= attempts || !(isRetryable(e) || also(e))) throw e;
      await new Promise((r) => setTimeout(r, 5 * i + Math.floor(Math.random() * 10)));
    }
  }
}
