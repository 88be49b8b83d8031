import { Client } from 'pg';

/** A receiver of one channel's notifications; `payload` is what the notifying transaction sent. */
export type NotificationHandler = (payload: string) => void;

export interface CommitNotificationsOptions {
  connectionString: string;
  logger?: { warn(message: string): void };
  /** First pause before reconnecting after the listening connection broke; doubles up to 5 s. */
  reconnectDelayMs?: number;
}

/**
 * PostgreSQL LISTEN on one dedicated connection per process, fanned out to in-process handlers.
 * A transaction that runs `pg_notify(channel, payload)` reaches every listener of that database
 * when (and only if) it commits, so replicas learn of each other's commits without polling.
 *
 * Notifications sent while the connection is down are lost: after a reconnect every handler is
 * called with the payload `''`, which means "something may have changed, look again".
 */
export class CommitNotifications {
  private readonly handlers = new Map<string, Set<NotificationHandler>>();
  private client?: Client;
  private connecting?: Promise<void>;
  private stopped = false;
  private retryTimer?: NodeJS.Timeout;

  constructor(private readonly options: CommitNotificationsOptions) {}

  /** Subscribes to a channel (a plain SQL identifier); returns the unsubscribe function. */
  async listen(channel: string, handler: NotificationHandler): Promise<() => void> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`invalid notification channel "${channel}"`);
    let set = this.handlers.get(channel);
    const fresh = !set;
    if (!set) this.handlers.set(channel, (set = new Set()));
    set.add(handler);
    if (fresh) await this.ensureListening(channel);
    return () => {
      set!.delete(handler);
    };
  }

  /** Whether the listening connection is up (a down one means handlers rely on their fallbacks). */
  get connected(): boolean {
    return !!this.client;
  }

  private async ensureListening(channel: string): Promise<void> {
    if (this.stopped) return;
    if (this.client) {
      await this.client.query(`LISTEN ${channel}`).catch(() => undefined);
      return;
    }
    await this.connect().catch(() => undefined);
  }

  private connect(delayMs = this.options.reconnectDelayMs ?? 200): Promise<void> {
    this.connecting ??= (async () => {
      const client = new Client({ connectionString: this.options.connectionString });
      try {
        await client.connect();
        for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
      } catch (error) {
        await client.end().catch(() => undefined);
        this.scheduleReconnect(delayMs, error as Error);
        throw error;
      }
      client.on('notification', (message) => {
        for (const handler of this.handlers.get(message.channel) ?? []) handler(message.payload ?? '');
      });
      client.on('error', (error) => this.lost(client, delayMs, error));
      client.on('end', () => this.lost(client, delayMs, new Error('connection ended')));
      this.client = client;
      // Whatever was notified while we were not listening is lost: tell everyone to look again.
      this.broadcast('');
    })().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private lost(client: Client, delayMs: number, error: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.end().catch(() => undefined);
    this.scheduleReconnect(delayMs, error);
  }

  private scheduleReconnect(delayMs: number, error: Error): void {
    if (this.stopped || this.retryTimer) return;
    this.options.logger?.warn(`notification listener down (${error.message}); reconnecting in ${delayMs} ms`);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.connect(Math.min(5000, delayMs * 2)).catch(() => undefined);
    }, delayMs);
    this.retryTimer.unref();
  }

  private broadcast(payload: string): void {
    for (const set of this.handlers.values()) for (const handler of set) handler(payload);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.removeAllListeners();
      await client.end().catch(() => undefined);
    }
  }
}
