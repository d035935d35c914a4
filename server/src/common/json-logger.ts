import type { LoggerService } from '@nestjs/common';
import { requestContext } from './request-context.js';

const LEVELS = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 } as const;
export type LogLevel = keyof typeof LEVELS;

/**
 * Structured JSON logs, one object per line, carrying the request id of the
 * request being served (from AsyncLocalStorage) when there is one.
 */
export class JsonLogger implements LoggerService {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly write: (line: string) => void = (line) => process.stdout.write(line + '\n'),
  ) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.emit('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.emit('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.emit('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.emit('debug', message, rest);
  }

  /** Logs a structured event: `logger.event('info', 'http.request', { status: 200 })`. */
  event(level: Exclude<LogLevel, 'silent'>, msg: string, fields: Record<string, unknown>): void {
    if (LEVELS[level] < LEVELS[this.level]) return;
    const ctx = requestContext.get();
    this.write(JSON.stringify({ time: new Date().toISOString(), level, msg, requestId: ctx?.requestId, ...fields }));
  }

  private emit(level: Exclude<LogLevel, 'silent'>, message: unknown, rest: unknown[]): void {
    if (LEVELS[level] < LEVELS[this.level]) return;
    // Nest passes the context as the last string argument and, for errors, a stack before it.
    const args = [...rest];
    const context = typeof args[args.length - 1] === 'string' ? (args.pop() as string) : undefined;
    const stack = level === 'error' && typeof args[0] === 'string' ? (args.shift() as string) : undefined;
    const fields: Record<string, unknown> = { context };
    if (message instanceof Error) {
      fields.err = { name: message.name, message: message.message, stack: message.stack };
    } else if (typeof message === 'object' && message !== null) {
      Object.assign(fields, message);
    }
    if (stack) fields.stack = stack;
    if (args.length) fields.extra = args;
    const msg = typeof message === 'string' ? message : message instanceof Error ? message.message : undefined;
    this.event(level, msg ?? '', fields);
  }
}
