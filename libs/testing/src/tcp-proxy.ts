import { createServer, Server, Socket, connect } from 'net';

/**
 * A TCP proxy in front of a dependency (PostgreSQL, Redis), so that a test or the fault suite can
 * take it away from the services that connect through the proxy while everyone else on the machine
 * keeps using the real server. `cut()` resets every connection and refuses new ones until
 * `restore()`; `stop()` also closes the port (a later `start()` opens the same port again).
 */
export class TcpProxy {
  private server?: Server;
  private readonly sockets = new Set<Socket>();
  private cutOff = false;

  constructor(
    private readonly targetHost: string,
    private readonly targetPort: number,
    /** The proxy's port: 0 picks a free one at the first start, kept for later starts. */
    public port = 0,
  ) {}

  async start(): Promise<number> {
    const server = createServer((client) => this.relay(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    this.port = typeof address === 'object' && address ? address.port : this.port;
    this.server = server;
    this.cutOff = false;
    return this.port;
  }

  /** Every connection through the proxy is reset and new ones are refused at once. */
  cut(): void {
    this.cutOff = true;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  restore(): void {
    this.cutOff = false;
  }

  /** Open client connections through the proxy. */
  get connections(): number {
    return this.sockets.size / 2;
  }

  async stop(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    if (this.cutOff) {
      client.destroy();
      return;
    }
    const upstream = connect(this.targetPort, this.targetHost);
    for (const [socket, other] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      this.sockets.add(socket);
      socket.on('error', () => other.destroy());
      socket.on('close', () => {
        this.sockets.delete(socket);
        other.destroy();
      });
    }
    client.pipe(upstream);
    upstream.pipe(client);
  }
}
