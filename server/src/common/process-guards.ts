import type { JsonLogger } from './json-logger.js';

/**
 * The last line of defence for a serving process: a promise rejected with nobody to
 * catch it (a database statement lost with its connection, a socket closed under a
 * write) is logged with its context and the process keeps serving. One fault of the
 * database or Redis must never take a floor's server down with it.
 */
export function guardProcess(logger: JsonLogger): () => void {
  const onRejection = (reason: unknown) => {
    const err = reason instanceof Error ? { message: reason.message, name: reason.name, code: (reason as { code?: string }).code, stack: reason.stack } : { message: String(reason) };
    logger.event('error', 'process.unhandled-rejection', { err });
  };
  process.on('unhandledRejection', onRejection);
  return () => process.off('unhandledRejection', onRejection);
}
