import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { EgressGuard, EgressRefused, pinnedLookup } from './egress/egress-guard.js';
import type { ResolvedAddress } from './egress/host-resolver.js';

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

/**
 * The request cannot be made as asked, so it is not tried again: the egress guard refused
 * its address (or a redirect's), or the redirects went on too long.
 */
export class HttpCallRefused extends HttpCallError {
  constructor(
    message: string,
    tries: number,
    /** For the audit trail: `refused address` or `too many redirects`. */
    readonly outcome: string,
  ) {
    super(message, tries, null);
  }
}

/** Statuses worth another try: the peer is busy or broken now. */
export const RETRYABLE_STATUS = (s: number) => s === 408 || s === 429 || s >= 500;

/** Redirects followed per try, each checked by the guard like the first request. */
export const MAX_REDIRECTS = 5;
/** An answer larger than this is not read (a peer streaming forever must not fill the memory). */
const MAX_ANSWER_BYTES = 5 * 1024 * 1024;
const REDIRECT = new Set([301, 302, 303, 307, 308]);
/** Headers that do not follow a redirect to another origin. */
const ORIGIN_BOUND = new Set(['authorization', 'cookie', 'proxy-authorization']);

class TooManyRedirects extends Error {}

/**
 * Outbound HTTP for the integrations, and the only way they reach the network: each try
 * asks the egress guard for the host's checked addresses and connects to those (the name
 * still goes in the Host header and the TLS server name), follows up to five redirects by
 * hand with the same check at each hop, and has a timeout. Timeouts, network errors, 408,
 * 429 and 5xx are tried again after a backoff that doubles (with jitter, honouring
 * Retry-After up to 30 s); other answers (2xx, 4xx) are returned to the caller at once, and
 * a refusal by the guard is never tried again.
 */
@Injectable()
export class HttpCaller {
  constructor(
    private readonly config: AppConfig,
    private readonly guard: EgressGuard,
  ) {}

  async send(req: HttpRequest): Promise<HttpResponse> {
    const retries = req.retries ?? this.config.integrations.retries;
    const timeoutMs = req.timeoutMs ?? this.config.integrations.timeoutMs;
    let last: HttpResponse | null = null;
    let lastError = '';
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(this.backoff(attempt, last));
      const signal = AbortSignal.timeout(timeoutMs);
      try {
        const res = await this.follow(req, signal);
        last = { ...res, json: parseJson(res.text), tries: attempt + 1 };
        if (!RETRYABLE_STATUS(res.status)) return last;
        lastError = `HTTP ${res.status}`;
      } catch (e) {
        const err = e as Error;
        if (err instanceof EgressRefused) throw new HttpCallRefused(`${req.method} ${redact(req.url)} refused by the egress guard: ${err.message}`, attempt + 1, 'refused address');
        if (err instanceof TooManyRedirects) throw new HttpCallRefused(`${req.method} ${redact(req.url)}: ${err.message}`, attempt + 1, 'too many redirects');
        last = null;
        lastError = signal.aborted || err.name === 'TimeoutError' || err.name === 'AbortError' ? `timed out after ${timeoutMs} ms` : `${err.message}${(err.cause as Error | undefined)?.message ? `: ${(err.cause as Error).message}` : ''}`;
      }
    }
    throw new HttpCallError(`${req.method} ${redact(req.url)} failed after ${retries + 1} ${retries ? 'tries' : 'try'}: ${lastError}`, retries + 1, last);
  }

  /** One try: the request and the redirects it leads to, each hop through the guard. */
  private async follow(req: HttpRequest, signal: AbortSignal): Promise<{ status: number; headers: Record<string, string>; text: string }> {
    let method = req.method;
    let body = req.body;
    let headers = { ...req.headers };
    let target: string | URL = req.url;
    /** The redirect's Location as the peer sent it (the guard sees it normalised). */
    let location = '';
    for (let hop = 0; ; hop++) {
      let checked: { url: URL; addresses: ResolvedAddress[] };
      try {
        checked = await abortable(this.guard.resolveUrl(target), signal);
      } catch (e) {
        if (e instanceof EgressRefused && hop > 0) throw new EgressRefused(e.host, `the redirect to ${redact(location)} was refused: ${e.message}`);
        throw e;
      }
      const res = await exchange(checked.url, checked.addresses, method, headers, body, signal);
      if (!REDIRECT.has(res.status) || !res.headers.location) return res;
      location = res.headers.location;
      if (hop === MAX_REDIRECTS) throw new TooManyRedirects(`more than ${MAX_REDIRECTS} redirects (the last to ${redact(location)})`);
      if (!URL.canParse(location, checked.url.href)) throw new EgressRefused(checked.url.hostname, `the redirect to "${location}" is not a URL`);
      const next = new URL(location, checked.url);
      if (next.origin !== checked.url.origin) headers = without(headers, (name) => ORIGIN_BOUND.has(name));
      // As browsers do: 303 becomes a GET, and so does a POST answered with 301 or 302.
      if ((res.status === 303 && method !== 'HEAD') || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers = without(headers, (name) => name === 'content-type' || name === 'content-length');
      }
      target = next;
    }
  }

  private backoff(attempt: number, last: HttpResponse | null): number {
    const retryAfter = Number(last?.headers['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(30_000, retryAfter * 1000);
    const base = this.config.integrations.retryBaseMs * 2 ** (attempt - 1);
    return Math.round(base / 2 + Math.random() * (base / 2));
  }
}

/**
 * One request to the checked addresses: `lookup` answers with them, so the socket cannot
 * go anywhere else; the URL's name stays in the Host header and the TLS server name.
 */
function exchange(url: URL, addresses: ResolvedAddress[], method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal): Promise<{ status: number; headers: Record<string, string>; text: string }> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const outgoing: Record<string, string> = { accept: '*/*', 'user-agent': 'Switchboard/1', ...without(headers, (name) => name === 'content-length' || name === 'host') };
  if (body !== undefined) outgoing['content-length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = send(
      {
        protocol: url.protocol,
        hostname: url.hostname.replace(/^\[|\]$/g, ''),
        port: url.port || undefined,
        path: `${url.pathname}${url.search}`,
        method,
        headers: outgoing,
        lookup: pinnedLookup(addresses),
        // A fresh connection for every request: no pooled socket another name opened.
        agent: false,
        signal,
      },
      (res) => readAnswer(res).then((text) => resolve({ status: res.statusCode ?? 0, headers: flatHeaders(res), text }), reject),
    );
    req.on('error', reject);
    req.end(body);
  });
}

function readAnswer(res: IncomingMessage): Promise<string> {
  const encoding = String(res.headers['content-encoding'] ?? '').toLowerCase();
  const stream = encoding === 'gzip' ? res.pipe(createGunzip()) : encoding === 'deflate' ? res.pipe(createInflate()) : encoding === 'br' ? res.pipe(createBrotliDecompress()) : res;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    stream.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_ANSWER_BYTES) {
        res.destroy(new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`));
        return;
      }
      chunks.push(c);
    });
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
    if (stream !== res) res.on('error', reject);
  });
}

function flatHeaders(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) out[k] = Array.isArray(v) ? v.join(', ') : v;
  return out;
}

/** The headers without those whose lower-cased name matches. */
function without(headers: Record<string, string>, drop: (name: string) => boolean): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => !drop(k.toLowerCase())));
}

/** The promise, or the signal's reason if it aborts first (name resolution cannot be cancelled). */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
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
