import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import type { TestApp } from './app.js';

export interface StreamedResponse {
  status: number;
  body: unknown;
}

/**
 * Sends a request whose body is a stream, so a test can upload tens of megabytes
 * without building them in memory (supertest needs the whole body up front).
 */
export async function streamRequest(t: TestApp, method: string, path: string, body: Readable, headers: Record<string, string>): Promise<StreamedResponse> {
  const { port } = new URL(await listen(t));
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON
        }
        resolve({ status: res.statusCode ?? 0, body: parsed });
      });
    });
    // The server may answer (e.g. 413) and close before the body is all sent.
    req.on('error', reject);
    body.on('error', reject);
    body.pipe(req);
  });
}

/** Makes the test app listen on a local port (webhooks need a URL to reach) and returns its base URL. */
export async function listen(t: TestApp): Promise<string> {
  const server = t.app.getHttpServer() as Server;
  // With the configured backlog, as the production server listens.
  if (!server.listening) await new Promise<void>((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: t.config.listenBacklog }, resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
