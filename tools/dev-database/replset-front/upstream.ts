import net from 'node:net';
import { SerialQueue } from './gate.js';
import { MessageReader } from './wire.js';

/**
 * One connection to FerretDB, paired with one client connection of the front, so that what is
 * bound to a connection there (cursors) stays bound to the client's. One request at a time, as
 * the driver sends on a connection.
 */
export class Upstream {
  private socket: net.Socket | undefined;
  private connecting: Promise<net.Socket> | undefined;
  private reader = new MessageReader();
  private waiting: { resolve: (reply: Buffer) => void; reject: (error: Error) => void } | undefined;
  private readonly queue = new SerialQueue();
  private closed = false;

  constructor(
    private readonly host: string,
    private readonly port: number,
  ) {}

  /** Sends one message and resolves with its reply. */
  roundTrip(message: Buffer): Promise<Buffer> {
    return this.queue.run(() => this.send(message));
  }

  private async send(message: Buffer): Promise<Buffer> {
    const socket = await this.connect();
    return new Promise<Buffer>((resolve, reject) => {
      this.waiting = { resolve, reject };
      socket.write(message);
    });
  }

  private connect(): Promise<net.Socket> {
    if (this.closed) return Promise.reject(new Error('upstream closed'));
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket);
    return (this.connecting ??= new Promise<net.Socket>((resolve, reject) => {
      const socket = net.connect({ host: this.host, port: this.port });
      socket.setNoDelay(true);
      socket.once('connect', () => {
        this.socket = socket;
        this.connecting = undefined;
        resolve(socket);
      });
      socket.on('data', (chunk) => {
        for (const reply of this.reader.push(chunk)) {
          const waiter = this.waiting;
          this.waiting = undefined;
          waiter?.resolve(reply);
        }
      });
      const fail = (error: Error) => {
        this.connecting = undefined;
        this.socket = undefined;
        this.reader = new MessageReader();
        const waiter = this.waiting;
        this.waiting = undefined;
        waiter?.reject(error);
        reject(error);
      };
      socket.once('error', fail);
      socket.once('close', () => fail(new Error('FerretDB closed the connection')));
    }));
  }

  close(): void {
    this.closed = true;
    this.socket?.destroy();
  }
}
