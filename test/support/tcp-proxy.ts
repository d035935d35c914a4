import { createServer, connect, type Server, type Socket } from 'node:net';

/**
 * A TCP proxy between the app and its database, for faults the database server is not
 * asked to make: `cut()` drops every open connection at once (what a failover or a
 * pooler restart does), `hold()` stops taking new ones until `restore()`.
 */
export class TcpProxy {
  private readonly pairs = new Set<[Socket, Socket]>();
  private holding = false;
  /** Connections turned away while holding. */
  refused = 0;
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetHost: string, targetPort: number): Promise<TcpProxy> {
    let proxy!: TcpProxy;
    const server = createServer((client) => {
      if (proxy.holding) {
        proxy.refused++;
        return client.destroy();
      }
      const upstream = connect(targetPort, targetHost);
      const pair: [Socket, Socket] = [client, upstream];
      proxy.pairs.add(pair);
      const drop = () => {
        proxy.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', drop).on('close', drop);
      upstream.on('error', drop).on('close', drop);
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    proxy = new TcpProxy(server, typeof address === 'object' && address ? address.port : 0);
    return proxy;
  }

  /** The database URL with its host and port replaced by the proxy's. */
  static via(url: string, port: number): string {
    const u = new URL(url);
    u.hostname = '127.0.0.1';
    u.port = String(port);
    return u.toString();
  }

  /** Drops every open connection; returns how many there were. */
  cut(): number {
    const n = this.pairs.size;
    for (const [a, b] of [...this.pairs]) {
      a.destroy();
      b.destroy();
    }
    this.pairs.clear();
    return n;
  }

  hold(): void {
    this.holding = true;
    this.cut();
  }

  restore(): void {
    this.holding = false;
  }

  get open(): number {
    return this.pairs.size;
  }

  async close(): Promise<void> {
    this.cut();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
