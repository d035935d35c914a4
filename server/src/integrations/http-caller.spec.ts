import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { loadConfig } from '../config/app-config.js';
import { EgressGuard } from './egress/egress-guard.js';
import { HostResolver, type ResolvedAddress } from './egress/host-resolver.js';
import { HttpCallError, HttpCallRefused, HttpCaller } from './http-caller.js';

interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local listener that records what reaches it and answers from a handler. */
async function listener(handle: (req: Seen, res: ServerResponse) => void): Promise<{ port: number; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      seen.push(r);
      handle(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, seen, server };
}

/**
 * Names for the test: names under example.com are the listener's address, except that a
 * `rebinding.` name answers so only the first time and a private address after (what a
 * rebinding DNS server would hand out next).
 */
class RebindingResolver extends HostResolver {
  readonly asked: string[] = [];
  async resolve(name: string): Promise<ResolvedAddress[]> {
    const first = !this.asked.includes(name);
    this.asked.push(name);
    if (name === 'metadata.example.com') return [{ address: '169.254.169.254', family: 4 }];
    if (name === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
    if (!name.endsWith('.example.com')) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${name}`), { code: 'ENOTFOUND' });
    return [{ address: first || !name.startsWith('rebinding.') ? '127.0.0.1' : '10.9.9.9', family: 4 }];
  }
}

describe('HttpCaller through the egress guard', () => {
  let target: Awaited<ReturnType<typeof listener>>;
  let redirector: Awaited<ReturnType<typeof listener>>;
  let redirectTo = '';
  let redirectStatus = 302;

  beforeAll(async () => {
    target = await listener((req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ ok: true, method: req.method }));
    });
    redirector = await listener((_req, res) => {
      res.writeHead(redirectStatus, { Location: redirectTo });
      res.end();
    });
  });
  afterAll(async () => {
    for (const l of [target, redirector]) {
      l?.server.closeAllConnections();
      await new Promise((resolve) => l?.server.close(resolve));
    }
  });

  /** The caller with an allow list (the partner's names stand for public hosts) and no retry waits. */
  const caller = (allow: string) => {
    const resolver = new RebindingResolver();
    const config = loadConfig({ NODE_ENV: 'test', PGLITE_DATA_DIR: 'memory', INTEGRATION_RETRY_BASE_MS: '1', INTEGRATION_TIMEOUT_MS: '2000', ...(allow ? { EGRESS_ALLOW: allow } : {}) });
    return { http: new HttpCaller(config, new EgressGuard(config, resolver)), resolver };
  };
  const reset = () => {
    target.seen.length = 0;
    redirector.seen.length = 0;
  };

  it('connects to the address it checked, once per try, with the name in the Host header', async () => {
    reset();
    const { http, resolver } = caller('*.example.com');
    const res = await http.send({ method: 'POST', url: `http://hooks.example.com:${target.port}/in`, body: '{"a":1}', headers: { 'Content-Type': 'application/json' } });
    expect(res).toMatchObject({ status: 200, json: { ok: true, method: 'POST' }, tries: 1 });
    expect(resolver.asked).toEqual(['hooks.example.com']);
    expect(target.seen[0]).toMatchObject({ path: '/in', body: '{"a":1}' });
    expect(target.seen[0].headers.host).toBe(`hooks.example.com:${target.port}`);
  });

  it('a rebinding name cannot swap the address under a request: each request resolves once and checks what it got', async () => {
    reset();
    // Only 127.0.0.1 is open, and only the name's first answer is 127.0.0.1.
    const { http, resolver } = caller('127.0.0.1');
    // The system resolver does not know the name: the connection went where the guard's lookup said.
    await expect(http.send({ method: 'GET', url: `http://rebinding.example.com:${target.port}/` })).resolves.toMatchObject({ status: 200 });
    expect(resolver.asked).toEqual(['rebinding.example.com']);
    const again = await http.send({ method: 'GET', url: `http://rebinding.example.com:${target.port}/` }).catch((e: Error) => e);
    expect(again).toBeInstanceOf(HttpCallRefused);
    expect((again as Error).message).toContain('rebinding.example.com resolves to 10.9.9.9, a private address');
    expect(target.seen).toHaveLength(1);
  });

  it('refuses a literal or numeric loopback URL without sending or retrying', async () => {
    reset();
    const { http } = caller('');
    for (const url of [`http://127.0.0.1:${target.port}/`, `http://2130706433:${target.port}/`, `http://0x7f.1:${target.port}/`, `http://[::ffff:127.0.0.1]:${target.port}/`]) {
      const e = await http.send({ method: 'GET', url, retries: 3 }).catch((x: Error) => x);
      expect(e).toBeInstanceOf(HttpCallRefused);
      expect(e).toMatchObject({ outcome: 'refused address', tries: 1 });
      expect((e as Error).message).toContain('refused by the egress guard');
    }
    await expect(http.send({ method: 'GET', url: `http://metadata.example.com:${target.port}/` })).rejects.toThrow('169.254.169.254, a cloud metadata address');
    expect(target.seen).toHaveLength(0);
  });

  it('refuses a redirect from an allowed host to a refused address, at the redirect', async () => {
    reset();
    const { http } = caller('partner.example.com');
    for (const to of [`http://127.0.0.1:${target.port}/internal`, `http://2130706433:${target.port}/`, `http://localhost:${target.port}/`, `http://[::1]:${target.port}/`, `http://169.254.169.254/latest/meta-data/`]) {
      redirectTo = to;
      const e = await http.send({ method: 'POST', url: `http://partner.example.com:${redirector.port}/hook`, body: 'x', retries: 2 }).catch((x: Error) => x);
      expect((e as Error).message).toContain(`the redirect to ${to} was refused`);
      expect(e).toBeInstanceOf(HttpCallRefused);
    }
    expect(redirector.seen).toHaveLength(5);
    expect(target.seen).toHaveLength(0);
  });

  it('follows allowed redirects as a browser would: 303 becomes a GET, credentials stay with their origin', async () => {
    reset();
    const { http } = caller('127.0.0.1,*.example.com');
    redirectStatus = 303;
    redirectTo = `http://other.example.com:${target.port}/landed`;
    const res = await http.send({ method: 'POST', url: `http://partner.example.com:${redirector.port}/hook`, body: 'secret-body', headers: { Authorization: 'Bearer t0ken', 'Content-Type': 'text/plain', 'X-Kept': 'yes' } });
    expect(res).toMatchObject({ status: 200, json: { method: 'GET' } });
    expect(redirector.seen[0].headers.authorization).toBe('Bearer t0ken');
    expect(target.seen[0]).toMatchObject({ method: 'GET', path: '/landed', body: '' });
    expect(target.seen[0].headers.authorization).toBeUndefined();
    expect(target.seen[0].headers['content-type']).toBeUndefined();
    expect(target.seen[0].headers['x-kept']).toBe('yes');
    expect(target.seen[0].headers.host).toBe(`other.example.com:${target.port}`);
    redirectStatus = 302;
  });

  it('gives up after five redirects, without another try', async () => {
    reset();
    const { http } = caller('*.example.com');
    redirectTo = `http://partner.example.com:${redirector.port}/again`;
    let n = 0;
    redirector.server.removeAllListeners('request');
    redirector.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      redirector.seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: '' });
      res.writeHead(307, { Location: `http://hop${++n}.example.com:${redirector.port}/again` });
      res.end();
    });
    const e = await http.send({ method: 'GET', url: `http://hop0.example.com:${redirector.port}/`, retries: 2 }).catch((x: Error) => x);
    expect(e).toBeInstanceOf(HttpCallRefused);
    expect(e).toMatchObject({ outcome: 'too many redirects', tries: 1 });
    expect(redirector.seen).toHaveLength(6);
  });

  it('a name that does not resolve is a network failure, tried again', async () => {
    const { http, resolver } = caller('');
    const e = await http.send({ method: 'GET', url: 'http://nowhere.invalid/', retries: 1 }).catch((x: Error) => x);
    expect(e).toBeInstanceOf(HttpCallError);
    expect(e).not.toBeInstanceOf(HttpCallRefused);
    expect(e).toMatchObject({ tries: 2 });
    expect(resolver.asked).toEqual(['nowhere.invalid', 'nowhere.invalid']);
  });
});
