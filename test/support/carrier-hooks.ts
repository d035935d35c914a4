import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';

/** One request the carrier made to our side, checked as the server's signature guard would. */
export interface Hit {
  path: string;
  url: string;
  params: Record<string, string>;
  valid: boolean;
}

/** Our side of the webhooks: records every request, answers per path, and can fail on purpose. */
export class Hooks {
  readonly hits: Hit[] = [];
  base = '';
  private server: Server | null = null;
  private replies = new Map<string, (params: Record<string, string>) => string>();
  private failures = new Map<string, number>();
  private waiting: Array<{ path: string; resolve: (hit: Hit) => void }> = [];

  constructor(private readonly authToken: string) {}

  /** The next request to `path` (one already received and not yet waited for counts). */
  arrival(path: string): Promise<Hit> {
    return new Promise((resolve) => this.waiting.push({ path, resolve }));
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const path = new URL(req.url ?? '/', this.base).pathname;
        const url = `${this.base}${req.url}`;
        const params = Object.fromEntries(new URLSearchParams(body));
        const failing = this.failures.get(path) ?? 0;
        if (failing > 0) {
          this.failures.set(path, failing - 1);
          res.writeHead(500).end('boom');
          return;
        }
        const hit = { path, url, params, valid: twilio.validateRequest(this.authToken, String(req.headers['x-twilio-signature']), url, params) };
        this.hits.push(hit);
        const w = this.waiting.findIndex((x) => x.path === path);
        if (w >= 0) this.waiting.splice(w, 1)[0].resolve(hit);
        const reply = this.replies.get(path);
        if (!reply) return void res.writeHead(204).end();
        res.writeHead(200, { 'Content-Type': 'text/xml' }).end(reply(params));
      });
    });
    await new Promise<void>((r) => this.server?.listen(0, '127.0.0.1', r));
    this.base = `http://127.0.0.1:${(this.server?.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((r) => (this.server ? this.server.close(() => r()) : r()));
  }

  reset(): void {
    this.hits.length = 0;
    this.replies.clear();
    this.failures.clear();
    this.waiting = [];
  }

  url(path: string): string {
    return `${this.base}${path}`;
  }

  reply(path: string, twiml: string | ((params: Record<string, string>) => string)): void {
    this.replies.set(path, typeof twiml === 'string' ? () => twiml : twiml);
  }

  /** The next `times` requests to `path` answer 500. */
  fail(path: string, times: number): void {
    this.failures.set(path, times);
  }

  at(path: string): Hit[] {
    return this.hits.filter((h) => h.path === path);
  }

  statuses(path = '/status'): string[] {
    return this.at(path).map((h) => h.params.CallStatus ?? h.params.MessageStatus);
  }
}

