import { setTimeout as sleep } from 'node:timers/promises';
import { expect } from 'chai';
import express from 'express';
import { MongoClient } from 'mongodb';
import request from 'supertest';
import { opsRoutes } from '../../src/ops/routes.js';
import { ReplSetFront } from '../../tools/dev-database/replset-front/front.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';
import { ownFront } from '../support/own-front.js';

/**
 * Issue 14, finding 9: what `/ready` means (docs/operating.md, "Liveness and readiness"). Ready = the process can serve:
 * it has started (the route exists only then) and its database had a writable primary within
 * the last READY_DATABASE_GRACE_MS. An election of a few seconds hits every API process at once;
 * if they all turned not-ready the load balancer would have no endpoint left and clients would
 * get its error instead of the service's own `503` with `Retry-After`. A long outage does empty
 * the pool. Elections are the front's `replSetStepDown: N` (no primary for N s), on a 3-member
 * front of this suite's own.
 */
describe('readiness through an election', function () {
  this.timeout(60_000);
  let front: ReplSetFront;
  let sys: TestSystem | undefined;
  let admin: MongoClient | undefined;

  beforeEach(async function () {
    front = await ownFront(this, 3);
    sys = await startTestSystem({ env: { MONGODB_URI: front.uri } });
    admin = await MongoClient.connect(front.uri);
  });
  afterEach(async function () {
    await sys?.shutdown();
    sys = undefined;
    await admin?.close();
    await front?.stop();
  });

  const streaming = (system: TestSystem) =>
    new Promise<void>((resolve) => {
      const client = system.ctx.database.connection.getClient();
      const seen = (event: { awaited: boolean }) => {
        if (!event.awaited) return;
        client.off('serverHeartbeatSucceeded', seen);
        resolve();
      };
      client.on('serverHeartbeatSucceeded', seen);
    });
  const stepDown = (seconds: number) => admin!.db('admin').command({ replSetStepDown: seconds });

  it('stays ready during a short election, while requests get the service\'s own 503 with Retry-After', async function () {
    const before = await sys!.http.get('/ready');
    expect(before.status, JSON.stringify(before.body)).to.equal(200);
    expect(before.body.data.status).to.equal('ready');

    // The driver streams its heartbeats (and so hears of an election at once) only from its
    // second check of a server, one heartbeat interval after connecting: wait for that.
    await streaming(sys!);
    await stepDown(4);
    await sleep(300);
    const started = Date.now();
    const during = await sys!.http.get('/ready');
    const tookMs = Date.now() - started;
    console.log(`      /ready during the election: ${during.status} ${during.body.data?.status} in ${tookMs} ms`);
    expect(during.status, JSON.stringify(during.body)).to.equal(200);
    expect(during.body.data.status).to.equal('degraded');
    expect(during.body.data.database.ok).to.equal(false);
    expect(tookMs, 'answered from what the process knows, without waiting for a server').to.be.below(500);

    const answer = await sys!.http.get('/api/admin/users/000000000000000000000000').set('Authorization', adminAuth);
    expect(answer.status).to.equal(503);
    expect(answer.headers['retry-after']).to.equal('1');

    const after = await waitFor(async () => {
      const res = await sys!.http.get('/ready');
      return res.body.data?.status === 'ready' ? res : undefined;
    }, 10_000, 200);
    expect(after.status).to.equal(200);
    expect(after.body.data.database.ok).to.equal(true);
  });

  it('turns not ready once the database has been gone longer than the grace window, ready again when it is back', async function () {
    // The same routes with a grace of 1.5 s instead of the default 30 s.
    const app = express().use(opsRoutes(sys!.ctx, { forOperators: true, readiness: { databaseGraceMs: 1_500 } }));
    await stepDown(4);
    await sleep(300);
    const early = await request(app).get('/ready');
    expect(early.status, JSON.stringify(early.body)).to.equal(200);
    await sleep(1_700);
    const late = await request(app).get('/ready');
    console.log(`      /ready 2 s into a 4 s election with a 1.5 s grace: ${late.status} ${late.body.data?.status} (unavailable for ${late.body.data?.database?.unavailableForMs} ms)`);
    expect(late.status, JSON.stringify(late.body)).to.equal(503);
    expect(late.body.data.status).to.equal('not ready');
    const back = await waitFor(async () => {
      const res = await request(app).get('/ready');
      return res.status === 200 ? res : undefined;
    }, 10_000, 200);
    expect(back.body.data.status).to.equal('ready');
  });
});
