import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CarrierHttpError } from '../twilio-shape.js';
import type { SimulatedCarrierOptions } from './types.js';

const MAX_BODY = 1 << 20;

/** A media answer (a recording's audio) rather than JSON. */
export class MediaBody {
  constructor(
    readonly contentType: string,
    readonly bytes: Buffer,
  ) {}
}

/** Where a request goes once authenticated: the controls under `/sim`, everything else to the REST API. */
export interface CarrierRoutes {
  rest(method: string, url: URL, params: URLSearchParams): [number, unknown];
  sim(method: string, path: string, raw: string): Promise<[number, unknown]>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new CarrierHttpError(413, 20413, 'The request body is too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The carrier's HTTP face on 127.0.0.1: the account's basic auth on every request, bodies
 * up to 1 MiB, and every refusal as the carrier's error JSON (an unexpected failure is a
 * 500, logged).
 */
export class CarrierHttpServer {
  private server: Server | null = null;
  private baseUrl = '';

  constructor(
    private readonly options: Pick<SimulatedCarrierOptions, 'accountSid' | 'authToken' | 'logger'>,
    private readonly routes: CarrierRoutes,
  ) {}

  /** The base URL once listening: `http://127.0.0.1:PORT`. */
  get url(): string {
    return this.baseUrl;
  }

  get listening(): boolean {
    return this.server !== null;
  }

  async listen(port: number): Promise<string> {
    const server = createServer((req, res) => void this.route(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  /** Closes the server and every connection still open. */
  async close(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    await new Promise<void>((resolve) => {
      s.close(() => resolve());
      s.closeAllConnections();
    });
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!this.authorized(req)) throw new CarrierHttpError(401, 20003, 'Authenticate');
      const url = new URL(req.url ?? '/', 'http://carrier');
      const method = (req.method ?? 'GET').toUpperCase();
      const raw = await readBody(req);
      const [status, body] = url.pathname === '/sim' || url.pathname.startsWith('/sim/') ? await this.routes.sim(method, url.pathname, raw) : this.routes.rest(method, url, new URLSearchParams(raw));
      this.send(res, status, body);
    } catch (e) {
      const err = e instanceof CarrierHttpError ? e : new CarrierHttpError(500, 20500, (e as Error).message);
      if (!(e instanceof CarrierHttpError)) this.options.logger?.warn(`simulated carrier: ${req.method} ${req.url} failed: ${err.message}`);
      this.send(res, err.status, err.toJSON());
    }
  }

  private authorized(req: IncomingMessage): boolean {
    const expected = `Basic ${Buffer.from(`${this.options.accountSid}:${this.options.authToken}`).toString('base64')}`;
    return req.headers.authorization === expected;
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent) return;
    if (body instanceof MediaBody) {
      res.writeHead(status, { 'Content-Type': body.contentType, 'Content-Length': body.bytes.length });
      res.end(body.bytes);
      return;
    }
    if (status === 204) {
      res.writeHead(204).end();
      return;
    }
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  }
}
