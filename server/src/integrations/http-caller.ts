import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Per try; default `INTEGRATION_TIMEOUT_MS`. */
  timeoutMs?: number;
  /** Tries after the first; default `INTEGRATION_RETRIES`. */
  retries?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON, when it is JSON. */
  json: unknown;
  /** How many tries it took. */
  tries: number;
}

/** The request could not be completed: every try timed out or failed on the network, or the last answer was retryable. */
export class HttpCallError extends Error {
  constructor(
    message: string,
    readonly tries: number,
    readonly response: HttpResponse | null,
  ) {
    super(message);
  }
}

/** Statuses worth another try: the peer is busy or broken now. */
export const RETRYABLE_STATUS = (s: number) => s === 408 || s === 429 || s >= 500;

/**
 * Outbound HTTP for the integrations: a timeout on every try; timeouts, network errors,
 * 408, 429 and 5xx are tried again after a backoff that doubles (with jitter, honouring
 * Retry-After up to 30 s); other answers (2xx, 4xx) are returned to the caller at once.
 */
@Injectable()
export class HttpCaller {
  constructor(private readonly config: AppConfig) {}

  async send(req: HttpRequest): Promise<HttpResponse> {
    const retries = req.retries ?? this.config.integrations.retries;
    const timeoutMs = req.timeoutMs ?? this.config.integrations.timeoutMs;
    let last: HttpResponse | null = null;
    let lastError = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(this.backoff(attempt, last));
      try {
        const res = await fetch(req.url, { method: req.method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(timeoutMs), redirect: 'follow' });
        const text = await res.text();
        last = { status: res.status, headers: Object.fromEntries(res.headers.entries()), text, json: parseJson(text), tries: attempt + 1 };
        if (!RETRYABLE_STATUS(res.status)) return last;
        lastError = `HTTP ${res.status}`;
      } catch (e) {
        const err = e as Error;
        last = null;
        lastError = err.name === 'TimeoutError' || err.name === 'AbortError' ? `timed out after ${timeoutMs} ms` : `${err.message}${(err.cause as Error | undefined)?.message ? `: ${(err.cause as Error).message}` : ''}`;
      }
    }
    throw new HttpCallError(`${req.method} ${redact(req.url)} failed after ${retries + 1} ${retries ? 'tries' : 'try'}: ${lastError}`, retries + 1, last);
  }

  private backoff(attempt: number, last: HttpResponse | null): number {
    const retryAfter = Number(last?.headers['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(30_000, retryAfter * 1000);
    const base = this.config.integrations.retryBaseMs * 2 ** (attempt - 1);
    return Math.round(base / 2 + Math.random() * (base / 2));
  }
}

function parseJson(text: string): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** A URL for messages: its query string (which may carry keys) left out. */
export function redact(url: string): string {
  return url.replace(/\?.*$/, '?…');
}

/** A value at a dotted path in parsed JSON (`data.0.details.id`). */
export function pick(json: unknown, path: string): unknown {
  let v: unknown = json;
  for (const part of path.split('.')) {
    if (v === null || v === undefined || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}
