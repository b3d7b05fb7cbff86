import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import { expect } from 'chai';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { logger } from '../../src/infra/logger.js';
import { detectCapabilities } from '../../src/infra/database/capabilities.js';
import { resolveMongo, type ResolvedMongo } from '../../tools/dev-database/resolve-mongo.js';

/** Resolves true if something accepts a TCP connection on host:port. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.setTimeout(2_000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

function hostPort(uri: string): { host: string; port: number } {
  const url = new URL(uri);
  return { host: url.hostname, port: Number(url.port || 27017) };
}

/** Alive and not a zombie (an orphan may wait for a PID 1 that never reaps it in a container). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true; // no procfs (macOS): kill(0) is all we have
  }
}

describe('database resolution (MONGODB_URI → memory replica set → FerretDB)', function () {
  // The first run on a machine may build FerretDB (about a minute).
  this.timeout(300_000);

  let mongo: ResolvedMongo;
  let client: MongoClient;
  const dbName = `resolution_test_${process.pid}`;

  before(async function () {
    mongo = await resolveMongo({ log: logger });
    client = await new MongoClient(mongo.uri).connect();
  });

  after(async function () {
    await client?.close();
    await mongo?.stop();
  });

  it('resolves to a server that answers ping, with a URI usable with a dbName', async function () {
    expect(['memory-replset', 'replset-front']).to.include(mongo.source);
    expect(mongo.description).to.be.a('string').and.not.equal('');
    const reply = await client.db('admin').command({ ping: 1 });
    expect(reply.ok).to.equal(1);
  });

  it('round-trips a document through insert and find', async function () {
    const coll = client.db(dbName).collection<{ _id: string; amount: number; tags: string[] }>('roundtrip');
    await coll.insertOne({ _id: 'a', amount: 1250, tags: ['x', 'y'] });
    const found = await coll.findOne({ _id: 'a' });
    expect(found).to.deep.equal({ _id: 'a', amount: 1250, tags: ['x', 'y'] });
    await client.db(dbName).dropDatabase();
  });

  it('works with mongoose.createConnection(uri, { dbName })', async function () {
    const conn = await mongoose.createConnection(mongo.uri, { dbName }).asPromise();
    try {
      expect(conn.db?.databaseName).to.equal(dbName);
      const Thing = conn.model('Thing', new mongoose.Schema({ name: String }));
      await Thing.create({ name: 'widget' });
      const thing = await Thing.findOne({ name: 'widget' }).lean();
      expect(thing?.name).to.equal('widget');
      await conn.dropDatabase();
    } finally {
      await conn.close();
    }
  });

  it('detects capabilities consistent with the server it started', async function () {
    const caps = await detectCapabilities(client.db(dbName));
    if (mongo.source === 'replset-front') {
      expect(caps.kind).to.equal('replset-front');
      expect(caps.transactions).to.equal(true);
      expect(caps.changeStreams).to.equal(false);
      expect(caps.replicaSet).to.equal('rs0');
      expect(caps.version).to.match(/FerretDB v1\.24\.2\b/);
    } else {
      expect(caps.kind).to.equal('mongodb');
      expect(caps.transactions).to.equal(true);
      expect(caps.replicaSet).to.be.a('string');
    }
  });

  it('passes a given URI through untouched and starts nothing', async function () {
    const uri = 'mongodb://user:secret@db.example.invalid:27017,db2.example.invalid:27017/app?replicaSet=rs0&w=majority';
    const given = await resolveMongo({ uri, log: logger });
    expect(given.uri).to.equal(uri);
    expect(given.source).to.equal('env');
    expect(given.description).to.not.include('secret');
    await given.stop(); // a no-op
  });

  it('stops a FerretDB child when its parent node process is SIGKILLed', async function () {
    if (mongo.source !== 'replset-front') this.skip();
    // A separate node process starts FerretDB (binary already built by before()) and prints its pid.
    const script =
      "import { startFerretDb } from './tools/dev-database/ferretdb.ts';\n" +
      "import { logger } from './src/infra/logger.ts';\n" +
      'const s = await startFerretDb({ log: logger });\n' +
      'process.stdout.write(`READY ${s.pid} ${s.port}\\n`);\n' +
      'setInterval(() => {}, 1000);\n';
    const parent = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [pid, port] = await new Promise<[number, number]>((resolve, reject) => {
      let out = '';
      parent.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const m = /READY (\d+) (\d+)/.exec(out);
        if (m) resolve([Number(m[1]), Number(m[2])]);
      });
      parent.once('exit', (code) => reject(new Error(`helper exited with ${code}: ${out}`)));
    });
    expect(pidAlive(pid)).to.equal(true);
    expect(await accepts('127.0.0.1', port)).to.equal(true);

    parent.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (pidAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(pidAlive(pid), `ferretdb pid ${pid} outlived its SIGKILLed parent`).to.equal(false);
    expect(await accepts('127.0.0.1', port)).to.equal(false);
  });

  // Last: it stops the shared server (after() calls stop() again, which must be harmless).
  it('stop() really stops the server: its port no longer accepts connections', async function () {
    const { host, port } = hostPort(mongo.uri);
    expect(await accepts(host, port)).to.equal(true);
    await client.close();
    await mongo.stop();
    expect(await accepts(host, port)).to.equal(false);
    await mongo.stop(); // idempotent
  });
});
