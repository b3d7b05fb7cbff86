import http from 'node:http';
import net from 'node:net';
import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { killAllStarted, startNode, type Proc } from '../support/processes.js';
import { parseStarted, RemoteShop, SERVICE_ENV, type RemoteCustomer } from '../support/remote-shop.js';
import { testMongo } from '../support/test-run.js';
import { waitFor } from '../support/wait.js';
import { migrateDatabase } from '../support/migrate.js';

const GRACE_MS = 1_500;

/**
 * Graceful shutdown of `npm start`'s process (node on src/server.ts, an in-process worker),
 * signalled by PID: whatever HTTP clients do, the queue is drained and released; requests
 * already received are answered in full.
 */
describe('shutdown of the service process, with HTTP clients', function () {
  this.timeout(60_000);
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
    service = startNode('service', 'src/server.ts', [], {
      ...SERVICE_ENV,
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      SHUTDOWN_HTTP_GRACE_MS: String(GRACE_MS),
      SHUTDOWN_TIMEOUT_MS: '3000',
      // One job at a time, several locked ahead: the process holds locks it has not started.
      JOB_CONCURRENCY: '1',
      JOB_LOCK_LIMIT: '5',
      JOB_LOCK_LIFETIME_MS: '600000',
    });
    await service.waitForOutput(/ started \{/, 30_000);
    const started = parseStarted(service.output())!;
    agenda = started.agenda;
    port = Number(String(started.listening).split(':').pop());
    shop = new RemoteShop(`http://127.0.0.1:${port}`);
    await shop.product('ITEM', 100);
  });

  afterEach(async function () {
    await killAllStarted();
    await client.db(dbName).dropDatabase().catch(() => undefined);
    await client.close();
  });

  const jobs = () => client.db(dbName).collection('agendaJobs');
  const lockedByService = () => jobs().countDocuments({ lastModifiedBy: agenda, lockedAt: { $ne: null } });

  it('a stalled client does not keep it alive past the grace period, and every job lock it held is released', async function () {
    const buyer = await shop.customer(1_000_000);
    for (let i = 0; i < 25; i++) await shop.buy(buyer, 'ITEM');
    await waitFor(async () => ((await lockedByService()) > 0 ? true : undefined), 10_000, 20);

    // Headers and half of the announced body, then nothing.
    const stalled = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve) => stalled.once('connect', resolve));
    const stalledClosed = new Promise<number>((resolve) => stalled.once('close', () => resolve(Date.now())));
    stalled.on('error', () => undefined);
    stalled.write(`POST /api/cart/items HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${buyer.auth}\r\nContent-Type: application/json\r\nContent-Length: 40\r\n\r\n{"sku":"ITEM",`);
    await new Promise((r) => setTimeout(r, 200));

    const signalledAt = Date.now();
    process.kill(service.pid, 'SIGTERM');
    const exit = await Promise.race([service.exited, new Promise<undefined>((r) => setTimeout(r, 15_000))]);
    expect(exit, `still running 15 s after SIGTERM:\n${service.output().slice(-2000)}`).to.not.equal(undefined);
    const tookMs = exit!.at - signalledAt;
    expect(exit!.code, service.output().slice(-2000)).to.equal(0);
    expect(tookMs, 'the stalled client held it past the grace period').to.be.below(GRACE_MS + 4_000);
    expect(await stalledClosed).to.be.at.most(exit!.at + 100);
    expect(service.output()).to.match(/shutdown grace period over: HTTP connections destroyed/);
    expect(await lockedByService(), 'jobs left locked by the stopped process').to.equal(0);
    console.log(`      stalled client: exited ${tookMs} ms after SIGTERM (grace ${GRACE_MS} ms)`);
  });

  it('answers in full the keep-alive requests in flight at SIGTERM (no connection reset)', async function () {
    const customers: RemoteCustomer[] = [];
    for (let i = 0; i < 12; i++) customers.push(await shop.customer(1_000));
    for (const c of customers) expect((await shop.addToCart(c, 'ITEM')).status).to.equal(200);

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
    const exit = await Promise.race([service.exited, new Promise<undefined>((r) => setTimeout(r, 15_000))]);
    expect(exit?.code, service.output().slice(-2000)).to.equal(0);
    expect(await lockedByService()).to.equal(0);
  });
});
