/**
 * The API of a service running in another process, driven over HTTP as an operator and a
 * customer would (the process tests' counterpart of shop.ts). Every call has a time limit.
 */
export const PROCESS_ADMIN = { username: 'admin', password: 'process-test-admin-password' };
export const processAdminAuth = `Basic ${Buffer.from(`${PROCESS_ADMIN.username}:${PROCESS_ADMIN.password}`).toString('base64')}`;

/** The settings every service process of the process tests gets (plus its database). */
export const SERVICE_ENV = {
  NODE_ENV: 'test',
  ADMIN_USERNAME: PROCESS_ADMIN.username,
  ADMIN_PASSWORD: PROCESS_ADMIN.password,
  TOKEN_SECRET: 'process-test-token-secret-0123456789abcdef',
  LOG_LEVEL: 'info',
  PORT: '0',
  JOB_PROCESS_EVERY_MS: '100',
};

export interface Answer {
  status: number;
  body: { success?: boolean; data?: Record<string, unknown>; error?: { code: string } } | undefined;
  headers: Headers;
  ms: number;
}

export interface RemoteCustomer {
  id: string;
  auth: string;
}

export class RemoteShop {
  private counter = 0;
  constructor(
    readonly baseUrl: string,
    private readonly timeoutMs = 10_000,
  ) {}

  async call(method: string, path: string, auth?: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
    const started = Date.now();
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: { ...(auth ? { Authorization: auth } : {}), ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    let parsed: Answer['body'];
    try {
      parsed = text ? (JSON.parse(text) as Answer['body']) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, headers: res.headers, ms: Date.now() - started };
  }

  private async expectOk(answer: Promise<Answer>, what: string): Promise<Answer> {
    const a = await answer;
    if (a.status >= 300) throw new Error(`${what}: ${a.status} ${JSON.stringify(a.body)}`);
    return a;
  }

  async product(sku: string, price: number): Promise<void> {
    await this.expectOk(this.call('POST', '/api/admin/products', processAdminAuth, { sku, name: sku, price }), 'product');
  }

  async customer(walletBalance: number, referrerId?: string, level?: string): Promise<RemoteCustomer> {
    this.counter += 1;
    const created = await this.expectOk(
      this.call('POST', '/api/admin/users', processAdminAuth, {
        name: `Customer ${this.counter}`,
        email: `p${this.counter}-${Date.now()}-${Math.random().toString(36).slice(2)}@example.test`,
        walletBalance,
        ...(referrerId ? { referrerId } : {}),
        ...(level ? { level } : {}),
      }),
      'customer',
    );
    const id = created.body!.data!.id as string;
    const issued = await this.expectOk(this.call('POST', `/api/admin/users/${id}/token`, processAdminAuth), 'token');
    return { id, auth: `Bearer ${issued.body!.data!.token as string}` };
  }

  addToCart(customer: RemoteCustomer, sku: string, quantity = 1): Promise<Answer> {
    return this.call('POST', '/api/cart/items', customer.auth, { sku, quantity });
  }

  checkout(customer: RemoteCustomer, idempotencyKey: string): Promise<Answer> {
    return this.call('POST', '/api/checkout', customer.auth, undefined, { 'Idempotency-Key': idempotencyKey });
  }

  /** Adds one item and pays for it; returns the purchase id. */
  async buy(customer: RemoteCustomer, sku: string): Promise<string> {
    await this.expectOk(this.addToCart(customer, sku), 'add to cart');
    const paid = await this.expectOk(this.checkout(customer, `k-${Date.now()}-${Math.random()}`), 'checkout');
    return paid.body!.data!.transactionId as string;
  }
}

/** Parses the `started` log line of a service or worker process. */
export function parseStarted(output: string): { listening: string | false; agenda: string } | undefined {
  const m = /started (\{.*\})/.exec(output);
  return m ? (JSON.parse(m[1]!) as { listening: string | false; agenda: string }) : undefined;
}
