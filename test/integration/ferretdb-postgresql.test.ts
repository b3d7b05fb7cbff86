import { mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import { readFerretDbPostgresqlUrl } from '../../config/index.js';
import { detectCapabilities } from '../../src/infra/database/capabilities.js';
import {
  dropPostgresqlDatabase,
  findGo,
  listPostgresqlDatabases,
  postgresqlDatabaseFor,
  startFerretDb,
  type FerretDbServer,
} from '../../tools/dev-database/ferretdb.js';
import { resolveMongo } from '../../tools/dev-database/resolve-mongo.js';
import { logger } from '../../src/infra/logger.js';
import { testMongo } from '../support/test-run.js';

/** FERRETDB_POSTGRESQL_URL, else the build machines' PostgreSQL (trust auth). */
const BASE_URL = readFerretDbPostgresqlUrl() ?? 'postgres://postgres@127.0.0.1:5432/checkout_rewards_test';

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2_000);
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

describe('FerretDB over PostgreSQL (FERRETDB_POSTGRESQL_URL)', function () {
  // The first run on a machine may build FerretDB (about a minute).
  this.timeout(300_000);
  let unavailable: string | undefined;

  before(async function () {
    const url = new URL(BASE_URL);
    if (!(await findGo())) unavailable = 'no Go toolchain to build FerretDB';
    else if (!(await accepts(url.hostname, Number(url.port || 5432)))) unavailable = `no PostgreSQL accepts connections at ${url.host}`;
    else {
      try {
        await listPostgresqlDatabases(BASE_URL, logger);
      } catch (error) {
        unavailable = (error as Error).message;
      }
    }
    if (unavailable) console.log(`      (skipped: ${unavailable}; set FERRETDB_POSTGRESQL_URL to a reachable PostgreSQL to run these)`);
  });

  beforeEach(function () {
    if (unavailable) this.skip();
  });

  it('a temporary server gets a database of its own: a document round-trips, and the database is dropped at stop', async function () {
    const server: FerretDbServer = await startFerretDb({ postgresqlUrl: BASE_URL, log: logger });
    try {
      expect(server.backend).to.equal('postgresql');
      expect(server.description).to.match(/PostgreSQL database \S+ \(temporary\)/);
      const database = server.postgresql!.database;
      expect(database).to.match(/_tmp_\d+_[0-9a-f]+$/);
      expect(await listPostgresqlDatabases(BASE_URL, logger)).to.include(database);

      const client = await MongoClient.connect(server.uri);
      try {
        const coll = client.db('roundtrip_on_pg').collection<{ _id: string; amount: number; at: Date; tags: string[] }>('things');
        const doc = { _id: 'a', amount: 1250, at: new Date('2026-11-25T10:00:00Z'), tags: ['x', 'y'] };
        await coll.insertOne(doc);
        expect(await coll.findOne({ _id: 'a' })).to.deep.equal(doc);
        const caps = await detectCapabilities(client.db('roundtrip_on_pg'));
        expect([caps.kind, caps.transactions]).to.deep.equal(['ferretdb', false]);
      } finally {
        await client.close();
      }
      await server.stop();
      expect(await listPostgresqlDatabases(BASE_URL, logger)).to.not.include(database);
    } finally {
      await server.stop();
    }
  });

  it('a kept data dir keeps its database: stopped and started again, the document is back', async function () {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'ferretdb-pg-kept-'));
    const { url, database } = postgresqlDatabaseFor(BASE_URL, dir);
    try {
      const first = await startFerretDb({ postgresqlUrl: BASE_URL, dataDir: dir, log: logger });
      expect(first.postgresql).to.deep.include({ database, temporary: false });
      let client = await MongoClient.connect(first.uri);
      await client.db('kept').collection('things').insertOne({ _id: 'k', v: 1 } as never);
      await client.close();
      await first.stop();
      expect(await listPostgresqlDatabases(BASE_URL, logger)).to.include(database);

      const second = await startFerretDb({ postgresqlUrl: BASE_URL, dataDir: dir, log: logger });
      try {
        client = await MongoClient.connect(second.uri);
        expect(await client.db('kept').collection('things').findOne({ _id: 'k' } as never)).to.deep.equal({ _id: 'k', v: 1 });
        await client.close();
      } finally {
        await second.stop();
      }
    } finally {
      await dropPostgresqlDatabase(url, logger).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
    expect(await listPostgresqlDatabases(BASE_URL, logger)).to.not.include(database);
  });

  it('an unreachable PostgreSQL is one clear error, with no fallback to SQLite', async function () {
    const bad = 'postgres://postgres@127.0.0.1:1/checkout_rewards_test';
    let message = '';
    try {
      if ((await testMongo()).capabilities.kind === 'ferretdb') {
        // This machine resolves to FerretDB: the whole resolution must refuse.
        const mongo = await resolveMongo({ postgresqlUrl: bad, log: logger });
        await mongo.stop();
      } else {
        const server = await startFerretDb({ postgresqlUrl: bad, log: logger });
        await server.stop();
      }
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).to.match(/PostgreSQL at postgres:\/\/postgres@127\.0\.0\.1:1\/\S+ is unreachable/);
    expect(message.split('\n')).to.have.length(1);
  });
});
