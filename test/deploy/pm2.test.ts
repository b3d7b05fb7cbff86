import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { testMongo } from '../support/test-run.js';
import { waitFor } from '../support/wait.js';
import { migrateDatabase } from '../support/migrate.js';

const exec = promisify(execFile);
const PM2 = 'node_modules/.bin/pm2';
const ADMIN = 'Basic ' + Buffer.from('admin:pm2-test-password').toString('base64');

interface Pm2Process {
  name: string;
  pid: number;
  pm2_env: { status: string; RUN_WORKER?: string; exec_mode: string };
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Issue 8: ecosystem.config.cjs started with pm2 (from devDependencies, its own PM2_HOME, so no
 * other pm2 on the machine is touched) against the project's MongoDB: two API processes in
 * cluster mode that run no job, and a worker; a checkout's rewards complete; a stop is clean.
 */
describe('pm2: the ecosystem file runs the service as deployed', function () {
  this.timeout(120_000);
  const home = mkdtempSync(join(tmpdir(), 'checkout-rewards-pm2-'));
  const dbName = `test_pm2_${Date.now().toString(36)}`;
  let env: NodeJS.ProcessEnv;
  let base: string;
  let pids: number[] = [];

  const pm2 = (...args: string[]) => exec(PM2, args, { env, timeout: 60_000 });
  const list = async () => JSON.parse((await pm2('jlist')).stdout) as Pm2Process[];
  const call = async (method: string, path: string, auth: string, body?: object) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: auth, ...(body ? { 'Content-Type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, body: (await res.json()) as { data: Record<string, unknown> & { rewards?: { status: string } } } };
  };

  before(async function () {
    const { uri } = await testMongo();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      PATH: process.env.PATH,
      HOME: home,
      PM2_HOME: home,
      PM2_FROM_SOURCE: '1',
      API_INSTANCES: '2',
      WORKER_INSTANCES: '1',
      NODE_ENV: 'test',
      MONGODB_URI: uri,
      MONGODB_DB: dbName,
      PORT: String(port),
      ADMIN_USERNAME: 'admin',
      ADMIN_PASSWORD: 'pm2-test-password',
      TOKEN_SECRET: 'pm2-test-token-secret-long-enough-0123456789',
      JOB_PROCESS_EVERY_MS: '100',
      SHUTDOWN_TIMEOUT_MS: '5000',
      LOG_LEVEL: 'warn',
    };
    await migrateDatabase(uri, dbName); // as docs/operating.md says: `npm run migrate`, then start
    await pm2('start', 'ecosystem.config.cjs');
  });

  after(async function () {
    await pm2('kill').catch(() => undefined);
    for (const pid of pids) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(home, { recursive: true, force: true });
    const client = await MongoClient.connect((await testMongo()).uri);
    await client.db(dbName).dropDatabase().finally(() => client.close());
  });

  it('starts two API processes (cluster mode, RUN_WORKER=false) and a worker', async function () {
    await waitFor(async () => (await fetch(`${base}/ready`).then((r) => r.status === 200).catch(() => false)) || undefined, 60_000, 250);
    const processes = await list();
    pids = processes.map((p) => p.pid);
    expect(processes.map((p) => `${p.name} ${p.pm2_env.status}`).sort()).to.deep.equal(['checkout-api online', 'checkout-api online', 'checkout-worker online']);
    for (const api of processes.filter((p) => p.name === 'checkout-api')) expect(api.pm2_env).to.include({ RUN_WORKER: 'false', exec_mode: 'cluster_mode' });
  });

  it('completes a checkout\'s rewards, run by the worker process', async function () {
    await call('POST', '/api/admin/products', ADMIN, { sku: 'PM2-MUG', name: 'Mug', price: 1000 });
    const referrer = await call('POST', '/api/admin/users', ADMIN, { name: 'Ref', email: `ref-${dbName}@example.test`, level: 'A' });
    const buyer = await call('POST', '/api/admin/users', ADMIN, { name: 'Buyer', email: `buyer-${dbName}@example.test`, referrerId: referrer.body.data.id, walletBalance: 2000 });
    const token = await call('POST', `/api/admin/users/${String(buyer.body.data.id)}/token`, ADMIN);
    const bearer = `Bearer ${String(token.body.data.token)}`;
    expect((await call('POST', '/api/cart/items', bearer, { sku: 'PM2-MUG', quantity: 1 })).status).to.equal(200);
    const checkout = await call('POST', '/api/checkout', bearer);
    expect(checkout.status).to.equal(200);
    const id = String(checkout.body.data.transactionId);
    await waitFor(async () => ((await call('GET', `/api/transactions/${id}`, bearer)).body.data.rewards?.status === 'completed' ? true : undefined), 30_000, 200);
    const detail = await call('GET', `/api/admin/purchases/${id}`, ADMIN);
    expect((detail.body.data.jobs as { state: string }[])[0]!.state).to.equal('completed');
    const client = await MongoClient.connect((await testMongo()).uri);
    try {
      const job = await client.db(dbName).collection('agendaJobs').findOne({ 'data.transactionId': id });
      expect(job!.lastModifiedBy).to.match(/^worker@/);
    } finally {
      await client.close();
    }
  });

  it('stops cleanly: every process exits on pm2 stop, no job is left locked', async function () {
    await pm2('stop', 'ecosystem.config.cjs');
    const stopped = await list();
    expect(stopped.map((p) => p.pm2_env.status)).to.deep.equal(['stopped', 'stopped', 'stopped']);
    await waitFor(async () => (pids.every((pid) => !alive(pid)) ? true : undefined), 20_000, 100);
    const client = await MongoClient.connect((await testMongo()).uri);
    try {
      expect(await client.db(dbName).collection('agendaJobs').countDocuments({ lockedAt: { $ne: null } })).to.equal(0);
    } finally {
      await client.close();
    }
    await pm2('kill');
  });
});
