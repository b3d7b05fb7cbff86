import { MongoClient } from 'mongodb';
import net from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a database, to take it away and bring it back at the same
 * address without touching the server itself (which other tests share). `cut()` closes every
 * relayed connection at once, as a server shutting down does, and refuses new ones until
 * `restore()`.
 */
export class TcpProxy {
  private readonly sockets = new Set<net.Socket>();
  private server: net.Server | undefined;
  private accepting = true;
  port = 0;
  /** Answers are held this long on their way back: a slow server. */
  latencyMs = 0;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
  ) {}

  /** A started relay in front of the (first) server of a MongoDB URI. */
  static async inFrontOf(mongoUri: string): Promise<TcpProxy> {
    // A replica set's current primary (an earlier test's election may have moved it), since the
    // relay is reached with directConnection and must be writable; else the first host.
    const client = await MongoClient.connect(mongoUri, { serverSelectionTimeoutMS: 15_000 });
    let primary: string | undefined;
    try {
      primary = (await client.db('admin').command({ hello: 1 })).primary as string | undefined;
    } finally {
      await client.close();
    }
    const target = new URL(`http://${primary ?? mongoUri.replace(/^mongodb:\/\//, '').split(/[,/]/)[0]!}`);
    const proxy = new TcpProxy(target.hostname, Number(target.port || 27017));
    await proxy.start();
    return proxy;
  }

  async start(): Promise<number> {
    this.server = net.createServer((client) => {
      if (!this.accepting) {
        client.destroy();
        return;
      }
      const upstream = net.connect(this.targetPort, this.targetHost);
      for (const [a, b] of [
        [client, upstream],
        [upstream, client],
      ] as const) {
        this.sockets.add(a);
        a.on('error', () => b.destroy());
        a.on('close', () => {
          this.sockets.delete(a);
          b.end();
        });
        if (a === upstream) {
          a.on('data', (chunk: Buffer) => {
            if (this.latencyMs > 0) setTimeout(() => b.write(chunk), this.latencyMs);
            else b.write(chunk);
          });
        } else {
          a.pipe(b);
        }
      }
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return this.port;
  }

  /** Every connection closed (FIN) at once; new ones refused. */
  cut(): void {
    this.accepting = false;
    for (const socket of this.sockets) socket.end();
  }

  restore(): void {
    this.accepting = true;
  }

  async stop(): Promise<void> {
    this.cut();
    for (const socket of this.sockets) socket.destroy();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}
