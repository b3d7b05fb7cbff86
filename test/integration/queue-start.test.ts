import { spawn } from 'node:child_process';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { loadConfig } from '../../config/index.js';
import { expireIdempotencyKeys } from '../../src/checkout/expire-idempotency-keys.js';
import { Shop } from '../support/shop.js';
import { startTestSystem } from '../support/system.js';
import { testMongo } from '../support/test-run.js';

/** Start-up: the schema is built by `npm run migrate`, checked at start, with errors reported. */
describe('starting on a database', function () {
  // Not spawnSync: the run's database front lives in this process and must keep answering.
  const runNode = (entry: string, uri: string, dbName: string) =>
    new Promise<{ status: number | null; output: string }>((resolve) => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry], {
        env: { PATH: process.env.PATH, MONGODB_URI: uri, MONGODB_DB: dbName, NODE_ENV: 'test' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 50_000,
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      child.on('close', (status) => resolve({ status, output }));
    });
  const runWorker = (uri: string, dbName: string) => runNode('src/worker.ts', uri, dbName);
  const runMigrate = (uri: string, dbName: string) => runNode('src/migrate.ts', uri, dbName);

  it('builds no index at start: on a database never migrated a worker exits 1 with one line naming `npm run migrate`, and runs once it is migrated', async function () {
    this.timeout(120_000);
    const { uri } = await testMongo();
    const dbName = `test_unmigrated_${Date.now()}`;
    const client = await MongoClient.connect(uri);
    try {
      const refused = await runWorker(uri, dbName);
      expect(refused.status, refused.output).to.equal(1);
      expect(refused.output, refused.output).to.match(/cannot start: database test_unmigrated_\d+ lacks \d+ index\(es\) this version needs .*run `npm run migrate`/);
      expect(refused.output).to.not.match(/UnhandledPromiseRejection|at .*node_modules/);
      expect(await client.db(dbName).collection('transactions').listIndexes().toArray().catch(() => []), 'the worker built nothing').to.have.length.at.most(1);

      const migrated = await runMigrate(uri, dbName);
      expect(migrated.status, migrated.output).to.equal(0);
      const indexes = (await client.db(dbName).collection('transactions').listIndexes().toArray()).map((i) => i.name);
      expect(indexes).to.include('entryKey_1');
      expect((await runMigrate(uri, dbName)).status, 'a second migration is harmless').to.equal(0);
    } finally {
      await client.db(dbName).dropDatabase();
      await client.close();
    }
  });

  it('a migration whose job-queue index cannot be created exits 1 with one clear line, not an unhandled rejection', async function () {
    this.timeout(60_000);
    const { uri } = await testMongo();
    const dbName = `test_badindex_${Date.now()}`;
    const client = await MongoClient.connect(uri);
    try {
      // An index already there under Agenda's name with other keys: createIndex must fail.
      await client.db(dbName).collection('agendaJobs').createIndex({ lastRunAt: 1 }, { name: 'findAndLockNextJobIndex' });
      const { status, output } = await runMigrate(uri, dbName);
      expect(status, output).to.equal(1);
      expect(output, output).to.match(/cannot start: .*findAndLockNextJobIndex/);
      expect(output).to.not.match(/UnhandledPromiseRejection|at .*node_modules/);
    } finally {
      await client.db(dbName).dropDatabase();
      await client.close();
    }
  });

  it('creates every collection before the first request (none is created inside a transaction)', async function () {
    const sys = await startTestSystem();
    try {
      const names = (await sys.ctx.database.db.listCollections().toArray()).map((c) => c.name);
      expect(names).to.include.members(['users', 'products', 'carts', 'transactions', 'idempotency_keys', 'agendaJobs']);
    } finally {
      await sys.shutdown();
    }
  });
});

describe('idempotency keys expire', function () {
  it('are kept 24 hours by default (IDEMPOTENCY_KEY_RETENTION_MS)', function () {
    expect(loadConfig({}).idempotencyKeyRetentionMs).to.equal(24 * 60 * 60_000);
    expect(loadConfig({ IDEMPOTENCY_KEY_RETENTION_MS: '3600000' }).idempotencyKeyRetentionMs).to.equal(3_600_000);
    expect(() => loadConfig({ IDEMPOTENCY_KEY_RETENTION_MS: '5' })).to.throw(/IDEMPOTENCY_KEY_RETENTION_MS/);
  });

  it('older keys are removed, a recent one still replays its checkout', async function () {
    const sys = await startTestSystem();
    try {
      const shop = new Shop(sys);
      await shop.product('IDEM-EXP', 100);
      const { Idempotency } = sys.ctx.database.models;
      const buyer = await shop.customer({ walletBalance: 1000 });
      for (const key of ['old-key', 'new-key']) {
        await shop.addToCart(buyer, 'IDEM-EXP', 1);
        expect((await shop.checkout(buyer, key)).status).to.equal(200);
      }
      // Through the driver: mongoose keeps createdAt immutable.
      await sys.ctx.database.db.collection<{ _id: string }>('idempotency_keys').updateOne({ _id: `${buyer.id}:old-key` }, { $set: { createdAt: new Date(Date.now() - 25 * 3600_000) } });
      expect(await expireIdempotencyKeys(sys.ctx, new Date(Date.now() - sys.ctx.config.idempotencyKeyRetentionMs))).to.equal(1);
      expect(await Idempotency.exists({ _id: `${buyer.id}:old-key` })).to.equal(null);
      const replay = await shop.checkout(buyer, 'new-key');
      expect(replay.status).to.equal(200);
      expect((await sys.ctx.database.models.Ledger.countDocuments({ type: 'purchase', user: buyer.id }))).to.equal(2);
    } finally {
      await sys.shutdown();
    }
  });
});
