import { expect } from 'chai';
import { OpenApiValidator } from '../support/openapi-validator.js';
import { testMongo } from '../support/test-run.js';
import { startTestSystem, type TestSystem } from '../support/system.js';

/**
 * Issue 17: /metrics (routes, job names, the backlog) and /ready's detail (the database server and
 * its version) are for operators, not for whoever reaches the API's port. With PUBLIC_METRICS=false
 * (production's default) the public port has neither; METRICS_PORT serves them on a port of its own.
 */
describe('/metrics and /ready\'s detail off the public port, on METRICS_PORT', function () {
  let sys: TestSystem;
  let publicBase: string;
  let internalBase: string;

  before(async function () {
    sys = await startTestSystem({ env: { PUBLIC_METRICS: 'false', METRICS_PORT: '0' } });
    publicBase = sys.url!;
    expect(sys.opsUrl, 'the internal listener').to.be.a('string');
    internalBase = sys.opsUrl!;
  });
  after(async () => sys?.shutdown());

  it('the public port: no /metrics; /ready says ready or not, nothing about the server', async function () {
    const metrics = await fetch(`${publicBase}/metrics`);
    expect(metrics.status).to.equal(404);
    expect(((await metrics.json()) as { error: { code: string } }).error.code).to.equal('ROUTE_NOT_FOUND');
    const ready = await fetch(`${publicBase}/ready`);
    expect(ready.status).to.equal(200);
    expect(await ready.json()).to.deep.equal({ success: true, data: { status: 'ready' } });
    new OpenApiValidator().check('get', '/ready', await sys.http.get('/ready'));
    expect((await fetch(`${publicBase}/health`)).status).to.equal(200);
  });

  it('the internal port: /metrics with the API\'s own requests counted, /ready naming the server, and nothing else', async function () {
    await fetch(`${publicBase}/health`);
    const scrape = await fetch(`${internalBase}/metrics`);
    expect(scrape.status).to.equal(200);
    const text = await scrape.text();
    expect(text).to.match(/http_request_duration_seconds_count\{[^}]*route="\/health"[^}]*\} [1-9]/);
    expect(text).to.contain('# TYPE checkouts_total counter');
    const ready = (await (await fetch(`${internalBase}/ready`)).json()) as { data: { status: string; database: { server: string } } };
    expect(ready.data.status).to.equal('ready');
    expect(ready.data.database.server).to.equal((await testMongo()).capabilities.kind);
    expect((await fetch(`${internalBase}/api/products`)).status).to.equal(404);
    expect((await fetch(`${internalBase}/admin/jobs/`)).status).to.equal(404);
  });

  it('stops the internal listener with the system', async function () {
    const probe = await startTestSystem({ env: { METRICS_PORT: '0' } });
    const base = probe.opsUrl!;
    expect((await fetch(`${base}/health`)).status).to.equal(200);
    await probe.shutdown();
    const after = await fetch(`${base}/health`).then(
      (res) => `answered ${res.status}`,
      (error: Error & { cause?: { code?: string } }) => error.cause?.code ?? error.message,
    );
    expect(after).to.equal('ECONNREFUSED');
  });
});
