import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PeerRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
  json: unknown;
}

export interface PeerReply {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Answer only after this long (to make the caller time out). */
  delayMs?: number;
}

type Handler = (req: PeerRequest) => PeerReply | Promise<PeerReply>;

/**
 * A local HTTP server on 127.0.0.1 standing in for an outside service: it records every
 * request, answers each `METHOD /path` from a queue of scripted replies (the last one
 * repeats) or a handler, and 404s the rest.
 */
export class HttpPeer {
  readonly requests: PeerRequest[] = [];
  private readonly routes = new Map<string, Handler>();
  private server!: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const u = new URL(req.url ?? '/', 'http://peer');
        const body = Buffer.concat(chunks).toString('utf8');
        let json: unknown = null;
        try {
          json = body ? JSON.parse(body) : null;
        } catch {
          json = null;
        }
        const r: PeerRequest = { method: req.method ?? 'GET', path: u.pathname, query: u.searchParams, headers: req.headers, body, json };
        this.requests.push(r);
        const handler = this.routes.get(`${r.method} ${r.path}`);
        void Promise.resolve(handler ? handler(r) : { status: 404, body: { error: 'not found' } }).then(async (reply) => {
          if (reply.delayMs) await new Promise((resolve) => setTimeout(resolve, reply.delayMs));
          if (res.destroyed) return;
          const payload = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
          res.writeHead(reply.status ?? 200, { 'Content-Type': typeof reply.body === 'string' ? 'text/plain' : 'application/json', ...reply.headers });
          res.end(payload);
        });
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Answers `METHOD /path` with these replies in turn, the last one from then on. */
  on(route: string, ...replies: Array<PeerReply | Handler>): this {
    let n = 0;
    this.routes.set(route, (req) => {
      const next = replies[Math.min(n++, replies.length - 1)];
      return typeof next === 'function' ? next(req) : next;
    });
    return this;
  }

  to(route: string): PeerRequest[] {
    const [method, path] = route.split(' ');
    return this.requests.filter((r) => r.method === method && r.path === path);
  }

  reset(): void {
    this.requests.length = 0;
    this.routes.clear();
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
