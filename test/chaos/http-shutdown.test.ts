import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { MongoClient, ObjectId } from 'mongodb';
import { killAllStarted, startNode, type Proc } from '../support/processes.js';
import { parseStarted, RemoteShop, SERVICE_ENV, type RemoteCustomer } from '../support/remote-shop.js';
import { TcpProxy } from '../support/tcp-proxy.js';
import { migrateDatabase } from '../support/migrate.js';
import { testMongo } from '../support/test-run.js';
import { waitFor } from '../support/wait.js';

const DRAIN_MS = 1_500;
const GRACE_MS = 1_500;

type Outcome = { status: number; body: string; connection: string | undefined; retryAfter: string | undefined } | { error: string };

/** One request on a connection of its own (no keep-alive agent), as a new client opens one. */
function sendFresh(port: number, method: string, path: string, auth?: string, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = http.request({ host: '127.0.0.1', port, method, path, agent: false, headers: { ...(auth ? { Authorization: auth } : {}), ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection, retryAfter: res.headers['retry-after'] as string | undefined }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    });
    req.setTimeout(20_000, () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.end();
  });
}

const tally = (outcomes: Outcome[]) =>
  outcomes.reduce<Record<string, number>>((counts, o) => {
    const key = 'status' in o ? String(o.status) : o.error;
    counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  }, {});

/**
 * Graceful shutdown of `npm start`'s process (node on src/server.ts, an in-process worker),
 * signalled by PID: whatever HTTP clients do, the queue is drained and released; requests
 * received are answered — in full, or `503` at the deadline — and never reset.
 */
describe('shutdown of the service process, with HTTP clients', function () {
  this.timeout(120_000);
  let uri: string;
  let dbName: string;
  let client: MongoClient;
  let service: Proc;
  let shop: RemoteShop;
  let agenda: string;
  let port: number;

  beforeEach(async function () {
    uri = (await testMongo()).uri;
    dbName = `test_shutdown_${randomBytes(4).toString('hex')}`;
    client = await MongoClient.connect(uri);
    await migrateDatabase(uri, dbName);
  });

  afterEach(async function () {
    await killAllStarted();
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
  });

  async function startService(env: Record<string, string> = {}, mongoUri = uri): Promise<void> {
    service = startNode('service', 'src/server.ts', [], {
      ...SERVICE_ENV,
      MONGODB_URI: mongoUri,
      MONGODB_DB: dbName,
      SHUTDOWN_DRAIN_DELAY_MS: String(DRAIN_MS),
      SHUTDOWN_HTTP_GRACE_MS: String(GRACE_MS),
      SHUTDOWN_TIMEOUT_MS: '3000',
      // One job at a time, several locked ahead: the process holds locks it has not started.
      JOB_CONCURRENCY: '1',
      JOB_LOCK_LIMIT: '5',
      JOB_LOCK_LIFETIME_MS: '600000',
      ...env,
    });
    await service.waitForOutput(/ started \{/, 30_000);
    const started = parseStarted(service.output())!;
    agenda = started.agenda;
    port = Number(String(started.listening).split(':').pop());
    shop = new RemoteShop(`http://127.0.0.1:${port}`);
    await shop.product('ITEM', 100);
  }

  async function exitAfterSignal(boundMs: number) {
    const exit = await Promise.race([service.exited, new Promise<undefined>((r) => setTimeout(r, boundMs))]);
    expect(exit, `still running ${boundMs} ms after SIGTERM:\n${service.output().slice(-2000)}`).to.not.equal(undefined);
    expect(exit!.code, service.output().slice(-2000)).to.equal(0);
    return exit!;
  }

  const jobs = () => client.db(dbName).collection('agendaJobs');
  const lockedByService = () => jobs().countDocuments({ lastModifiedBy: agenda, lockedAt: { $ne: null } });

  /** Purchases whose rewards the in-process worker is paying (and has locked some of) when this returns. */
  async function backlog(purchases: number): Promise<RemoteCustomer> {
    const buyers = await Promise.all([0, 1, 2, 3, 4].map(() => shop.customer(1_000_000)));
    await Promise.all(buyers.map(async (buyer, b) => {
      for (let i = b; i < purchases; i += buyers.length) await shop.buy(buyer, 'ITEM');
    }));
    await waitFor(async () => ((await lockedByService()) > 0 ? true : undefined), 10_000, 20);
    return buyers[0]!;
  }

  /** Customers with one ITEM in their cart. */
  async function customersWithCarts(count: number): Promise<RemoteCustomer[]> {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const customer = await shop.customer(1_000);
        expect((await shop.addToCart(customer, 'ITEM')).status).to.equal(200);
        return customer;
      }),
    );
  }

  it('answers every checkout sent on new connections just before SIGTERM while its worker pays a backlog (none reset), and says not ready meanwhile', async function () {
    await startService();
    const customers = await customersWithCarts(12);
    await backlog(30);

    // Sent in the same tick as the signal: they reach the kernel's accept queue while the
    // process is busy, as a load balancer's requests do when the orchestrator signals.
    const checkouts = customers.map((c) => sendFresh(port, 'POST', '/api/checkout', c.auth, { 'Idempotency-Key': randomBytes(6).toString('hex') }));
    process.kill(service.pid, 'SIGTERM');
    await service.waitForOutput(/shutting down \{"signal":"SIGTERM"\}/, 5_000);
    const ready = await sendFresh(port, 'GET', '/ready');
    const answers = await Promise.all(checkouts);
    console.log(`      ${answers.length} checkouts sent with SIGTERM: ${JSON.stringify(tally(answers))}`);

    expect(ready, 'GET /ready during the drain').to.deep.include({ status: 503, connection: 'close' });
    expect(JSON.parse((ready as { body: string }).body)).to.deep.equal({ success: false, data: { status: 'shutting down' } });
    const failed = answers.filter((a) => !('status' in a) || a.status !== 200);
    expect(failed, JSON.stringify(answers)).to.deep.equal([]);
    const paid: string[] = [];
    for (const a of answers as { body: string; connection: string | undefined }[]) {
      expect(a.connection, 'answers during the drain close their connection').to.equal('close');
      paid.push(JSON.parse(a.body).data.transactionId as string);
    }
    await exitAfterSignal(15_000);
    expect(await client.db(dbName).collection('transactions').countDocuments({ _id: { $in: paid.map((id) => new ObjectId(id)) } })).to.equal(12);
    expect(await lockedByService()).to.equal(0);
  });

  it('answers a stalled client 503 at the end of the grace period (no reset), and releases every job lock it held', async function () {
    await startService();
    const buyer = await backlog(25);

    // Headers and half of the announced body, then nothing.
    const stalled = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => stalled.once('connect', resolve));
    let received = '';
    stalled.setEncoding('utf8');
    stalled.on('data', (chunk: string) => (received += chunk));
    let stalledError: string | undefined;
    stalled.on('error', (e: NodeJS.ErrnoException) => (stalledError = e.code ?? e.message));
    const stalledClosed = new Promise<number>((resolve) => stalled.once('close', () => resolve(Date.now())));
    stalled.write(`POST /api/cart/items HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${buyer.auth}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"sku":"ITEM",`);
    await new Promise((r) => setTimeout(r, 200));

    const signalledAt = Date.now();
    process.kill(service.pid, 'SIGTERM');
    const exit = await exitAfterSignal(DRAIN_MS + GRACE_MS + 15_000);
    const tookMs = exit.at - signalledAt;
    expect(tookMs, 'the stalled client held it past the drain delay and grace period').to.be.below(DRAIN_MS + GRACE_MS + 4_000);
    expect(await stalledClosed).to.be.at.most(exit.at + 100);
    expect(stalledError, 'the stalled client was reset').to.equal(undefined);
    expect(received).to.match(/^HTTP\/1\.1 503 /);
    expect(received).to.match(/\r\nRetry-After: 1\r\n/i);
    expect(received).to.match(/\r\nConnection: close\r\n/i);
    expect(received).to.match(/"code":"SERVICE_UNAVAILABLE"/);
    expect(service.output()).to.match(/shutdown grace period over: requests not finished were answered 503 \{"abandoned":1/);
    expect(await lockedByService(), 'jobs left locked by the stopped process').to.equal(0);
    console.log(`      stalled client: answered 503, exited ${tookMs} ms after SIGTERM (drain ${DRAIN_MS} ms, grace ${GRACE_MS} ms)`);
  });

  it('answers in full the keep-alive requests in flight at SIGTERM (no connection reset)', async function () {
    await startService();
    const customers = await customersWithCarts(12);

    const agent = new http.Agent({ keepAlive: true, maxSockets: 12 });
    const send = (method: string, path: string, auth: string, key = randomBytes(6).toString('hex')) =>
      new Promise<{ status: number; body: string; connection: string | undefined } | { error: string }>((resolve) => {
        const req = http.request({ host: '127.0.0.1', port, method, path, agent, headers: { Authorization: auth, 'Idempotency-Key': key } }, (res) => {
          let body = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }));
          res.on('error', (e) => resolve({ error: e.message }));
        });
        req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
        req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
        req.end();
      });

    // Twelve keep-alive connections, open and idle.
    const warm = await Promise.all(customers.map((c) => send('GET', '/api/me', c.auth)));
    expect(warm.every((w) => 'status' in w && w.status === 200), JSON.stringify(warm)).to.equal(true);

    // Twelve requests written on them, and SIGTERM in the same tick.
    const inFlight = customers.map((c, i) => (i % 2 === 0 ? send('POST', '/api/checkout', c.auth) : send('GET', '/api/me', c.auth)));
    process.kill(service.pid, 'SIGTERM');
    const answers = await Promise.all(inFlight);
    agent.destroy();

    const failed = answers.filter((a) => !('status' in a) || a.status !== 200);
    expect(failed, JSON.stringify(answers)).to.deep.equal([]);
    for (const a of answers) if ('body' in a) expect(JSON.parse(a.body).success).to.equal(true);
    await exitAfterSignal(15_000);
    expect(await lockedByService()).to.equal(0);
  });

  it('answers 503 a checkout that cannot finish by the deadline, and its unit of work commits nothing', async function () {
    const proxy = await TcpProxy.inFrontOf(uri);
    try {
      // A slow database (every answer held 600 ms) makes a checkout take seconds; its own budget
      // is set far away, so only the shutdown deadline can cut it.
      await startService({ TRANSACTION_BUDGET_MS: '60000', SHUTDOWN_HTTP_GRACE_MS: '500' }, `mongodb://127.0.0.1:${proxy.port}/?directConnection=true&retryWrites=false`);
      const customer = await shop.customer(1_000);
      expect((await shop.addToCart(customer, 'ITEM')).status).to.equal(200);
      proxy.latencyMs = 600;

      const checkout = sendFresh(port, 'POST', '/api/checkout', customer.auth, { 'Idempotency-Key': 'cut-short' });
      await new Promise((r) => setTimeout(r, 300));
      const signalledAt = Date.now();
      process.kill(service.pid, 'SIGTERM');
      const answer = await checkout;
      const answeredMs = Date.now() - signalledAt;

      expect(answer, JSON.stringify(answer)).to.deep.include({ status: 503, retryAfter: '1', connection: 'close' });
      expect(JSON.parse((answer as { body: string }).body).error.code).to.equal('SERVICE_UNAVAILABLE');
      expect(answeredMs, 'answered at the deadline (drain + grace)').to.be.within(DRAIN_MS + 500 - 100, DRAIN_MS + 500 + 1_500);
      await exitAfterSignal(30_000);

      const db = client.db(dbName);
      const user = await db.collection('users').findOne({ _id: new ObjectId(customer.id) });
      const cart = await db.collection('carts').findOne({ user: new ObjectId(customer.id) });
      expect(user?.walletBalance, 'wallet debited by a checkout answered 503').to.equal(1_000);
      expect(cart?.items, 'cart cleared by a checkout answered 503').to.deep.equal([{ sku: 'ITEM', quantity: 1 }]);
      expect(await db.collection('transactions').countDocuments({ type: 'purchase', user: new ObjectId(customer.id) }), 'purchase recorded').to.equal(0);
      expect(await db.collection('idempotency_keys').countDocuments({}), 'idempotency key kept').to.equal(0);
      console.log(`      checkout cut by the deadline: 503 after ${answeredMs} ms, nothing committed`);
    } finally {
      await killAllStarted();
      await proxy.stop();
    }
  });
});
