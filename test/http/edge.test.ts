import { expect } from 'chai';
import { SignJWT } from 'jose';
import { Shop, type Customer } from '../support/shop.js';
import { ADMIN, adminAuth, startTestSystem, type TestSystem } from '../support/system.js';

/** Issue 7, hostile input at the edge: headers, the dashboard's cross-site guard, prototype keys, auth schemes, cart totals. */
describe('edge: hostile input', function () {
  let sys: TestSystem;
  let shop: Shop;
  let buyer: Customer;

  before(async function () {
    sys = await startTestSystem();
    shop = new Shop(sys);
    await shop.product('EDGE-CHEAP', 100);
    await shop.product('EDGE-DEAR', 1_000_000_000);
    await shop.product('EDGE-MID', 10_000_000);
    buyer = await shop.customer({ walletBalance: 1000 });
  });
  after(async () => sys?.shutdown());

  const jobs = () => sys.ctx.database.db.collection('agendaJobs');
  const spec = (res: { body: unknown }, code: string) => {
    expect(res.body).to.have.all.keys('success', 'error');
    expect(res.body).to.have.nested.property('success', false);
    expect(res.body).to.have.nested.property('error.code', code);
    expect(res.body).to.have.nested.property('error.message').that.is.a('string');
  };
  const noFraming = (headers: Record<string, string>) => {
    expect(headers['x-frame-options']).to.equal('DENY');
    expect(headers['x-content-type-options']).to.equal('nosniff');
    expect(headers['content-security-policy']).to.be.a('string').and.contain("frame-ancestors 'none'");
  };

  describe('security headers', function () {
    it('API answers, successes and errors, are nosniff, unframeable and never cached', async function () {
      const answers = {
        me: await sys.http.get('/api/me').set('Authorization', buyer.auth),
        unauthenticated: await sys.http.get('/api/me'),
        token: await sys.http.post(`/api/admin/users/${buyer.id}/token`).set('Authorization', adminAuth),
      };
      for (const [name, res] of Object.entries(answers)) {
        noFraming(res.headers);
        expect(res.headers['content-security-policy'], name).to.contain("default-src 'none'");
        expect(res.headers['cache-control'], name).to.equal('no-store');
        expect(res.headers['referrer-policy'], name).to.equal('no-referrer');
        expect(res.headers['strict-transport-security'], name).to.match(/^max-age=\d+/);
        expect(res.headers['cross-origin-resource-policy'], name).to.equal('same-origin');
        expect(res.headers['cross-origin-opener-policy'], name).to.equal('same-origin');
      }
    });

    it('ops answers (/health, /metrics) carry the same headers', async function () {
      for (const path of ['/health', '/metrics']) noFraming((await sys.http.get(path)).headers);
    });

    it("the dashboard keeps Agendash's own CSP, adds no-framing to it, and its assets load", async function () {
      const page = await sys.http.get('/admin/jobs/').set('Authorization', adminAuth);
      expect(page.status).to.equal(200);
      noFraming(page.headers);
      const csp = page.headers['content-security-policy']!;
      expect(csp, 'one policy, not two').to.not.contain(',');
      expect(csp).to.contain("script-src 'self'").and.contain("style-src 'self' 'unsafe-inline'").and.not.contain("default-src 'none'");
      const assets = [...page.text.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]!);
      expect(assets.some((a) => a.endsWith('.js')) && assets.some((a) => a.endsWith('.css')), String(assets)).to.equal(true);
      for (const asset of assets) {
        const res = await sys.http.get(`/admin/jobs/${asset}`).set('Authorization', adminAuth);
        expect(res.status, asset).to.equal(200);
        // nosniff makes browsers refuse a script or style sheet served with another type.
        expect(res.headers['content-type'], asset).to.match(asset.endsWith('.js') ? /^(text|application)\/javascript/ : /^text\/css/);
        noFraming(res.headers);
      }
      const api = await sys.http.get('/admin/jobs/api').set('Authorization', adminAuth);
      expect(api.status).to.equal(200);
      expect(api.headers['cache-control']).to.equal('no-store');
    });
  });

  describe("the dashboard refuses what another site's page could send", function () {
    const create = () => sys.http.post('/admin/jobs/api/jobs/create').set('Authorization', adminAuth);
    const count = (name: string) => jobs().countDocuments({ name });

    it('creates a job from a same-origin JSON request (the control)', async function () {
      const res = await create()
        .set('Host', 'shop.example:8443')
        .set('Origin', 'https://shop.example:8443')
        .set('Sec-Fetch-Site', 'same-origin')
        .send({ jobName: 'edge-control' });
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(await count('edge-control')).to.equal(1);
    });

    it('refuses form, multipart and text bodies with 415 and creates nothing', async function () {
      const forms: [string, string][] = [
        ['application/x-www-form-urlencoded', 'jobName=edge-form'],
        ['text/plain', '{"jobName":"edge-form"}'],
        ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="jobName"\r\n\r\nedge-form\r\n--x--\r\n'],
      ];
      for (const [type, body] of forms) {
        const res = await create().set('Content-Type', type).send(body);
        expect(res.status, type).to.equal(415);
        spec(res, 'UNSUPPORTED_MEDIA_TYPE');
      }
      const empty = await sys.http.post('/admin/jobs/api/jobs/delete').set('Authorization', adminAuth);
      expect(empty.status, 'a POST without any body').to.equal(415);
      expect(await count('edge-form')).to.equal(0);
    });

    it('refuses JSON from another origin or site with 403 and creates nothing', async function () {
      const crossSite: Record<string, string>[] = [
        { Origin: 'https://evil.example' },
        { Origin: 'null' },
        { Origin: 'http://127.0.0.1.evil.example' },
        { 'Sec-Fetch-Site': 'cross-site' },
        { 'Sec-Fetch-Site': 'same-site' },
        { Origin: 'https://shop.example:8443', 'Sec-Fetch-Site': 'cross-site' },
      ];
      for (const headers of crossSite) {
        const res = await create().set('Host', 'shop.example:8443').set(headers).send({ jobName: 'edge-cross' });
        expect(res.status, JSON.stringify(headers)).to.equal(403);
        spec(res, 'FORBIDDEN');
      }
      expect(await count('edge-cross')).to.equal(0);
    });

    it('a form cannot delete or requeue an existing job', async function () {
      const job = await sys.ctx.agenda.now('edge-victim', {});
      const id = String(job.attrs._id);
      for (const verb of ['delete', 'requeue', 'pause']) {
        const res = await sys.http.post(`/admin/jobs/api/jobs/${verb}`).set('Authorization', adminAuth).type('form').send(`jobIds=${id}`);
        expect(res.status, verb).to.equal(415);
      }
      expect(await count('edge-victim')).to.equal(1);
      expect((await jobs().findOne({ name: 'edge-victim' }))!.disabled ?? false).to.equal(false);
    });

    it('answers 413 to a dashboard body above the API limit (below Agendash own 100 kB)', async function () {
      const limit = sys.ctx.config.bodyLimitBytes;
      const res = await create().send({ jobName: 'edge-big', jobData: { pad: 'x'.repeat(limit) } });
      expect(res.status).to.equal(413);
      spec(res, 'PAYLOAD_TOO_LARGE');
      expect(await count('edge-big')).to.equal(0);
    });

    it('validates job bodies: operators, wrong types and prototype keys are 400', async function () {
      const before = await jobs().countDocuments({});
      for (const body of ['{"jobName":{"$gt":""}}', '{"jobIds":[{"$ne":null}]}', '{"jobName":"edge-proto","__proto__":{"x":1}}', '{"jobName":"edge-x","extra":1}']) {
        const res = await create().type('json').send(body);
        expect(res.status, body).to.equal(400);
        spec(res, 'VALIDATION_FAILED');
      }
      // Express matches routes ignoring case and a trailing slash: so does the validation.
      for (const alias of ['/admin/jobs/API/JOBS/CREATE', '/admin/jobs/api/jobs/create/', '/admin/jobs/api/jobs/create//']) {
        const res = await sys.http.post(alias).set('Authorization', adminAuth).send({ jobName: { $gt: '' } });
        expect(res.status, alias).to.be.oneOf([400, 404]);
      }
      const unknown = await sys.http.post('/admin/jobs/api/jobs/purge').set('Authorization', adminAuth).send({ jobIds: [] });
      expect(unknown.status).to.equal(404);
      spec(unknown, 'ROUTE_NOT_FOUND');
      expect(await jobs().countDocuments({})).to.equal(before);
    });
  });

  describe("the dashboard's own errors", function () {
    it('answer with the error body of docs/spec.md §4 (here: stats while the queue is stopped)', async function () {
      await sys.ctx.agenda.stop();
      try {
        const res = await sys.http.get('/admin/jobs/api/stats').set('Authorization', adminAuth);
        expect(res.status).to.equal(500);
        expect(res.body).to.deep.equal({ success: false, error: { code: 'DASHBOARD_FAILED', message: 'agenda not running!' } });
      } finally {
        await sys.ctx.agenda.start();
      }
      expect((await sys.http.get('/admin/jobs/api/stats').set('Authorization', adminAuth)).status).to.equal(200);
    });
  });

  describe('prototype keys are unknown fields', function () {
    it('refuses __proto__, constructor and prototype anywhere in a body with 400 and changes nothing', async function () {
      const before = await shop.state(buyer);
      const bodies = [
        '{"sku":"EDGE-CHEAP","quantity":1,"__proto__":{"isAdmin":true}}',
        '{"__proto__":null,"sku":"EDGE-CHEAP","quantity":1}',
        '{"sku":"EDGE-CHEAP","quantity":1,"constructor":{"prototype":{"x":1}}}',
        '{"sku":"EDGE-CHEAP","quantity":1,"prototype":1}',
      ];
      for (const body of bodies) {
        const res = await sys.http.post('/api/cart/items').set('Authorization', buyer.auth).type('json').send(body);
        expect(res.status, body).to.equal(400);
        spec(res, 'VALIDATION_FAILED');
      }
      const nested = await sys.http.post('/api/admin/users').set('Authorization', adminAuth).type('json').send('{"name":"P","email":"p@example.test","walletBalance":0,"x":[{"__proto__":{}}]}');
      expect(nested.status).to.equal(400);
      expect(nested.body.error.details).to.deep.include({ path: 'x.0.__proto__', message: "'x.0.__proto__' is not allowed" });
      const proto = await sys.http.post('/api/cart/items').set('Authorization', buyer.auth).type('json').send(bodies[0]!);
      expect(proto.body.error.details).to.deep.equal([{ path: '__proto__', message: "'__proto__' is not allowed" }]);
      expect(await shop.state(buyer)).to.deep.equal(before);
    });
  });

  describe('authorization', function () {
    it('takes auth schemes in any case (RFC 7235)', async function () {
      for (const scheme of ['bearer', 'BEARER', 'bEaReR']) {
        const res = await sys.http.get('/api/me').set('Authorization', `${scheme} ${buyer.token}`);
        expect(res.status, scheme).to.equal(200);
      }
      const credentials = Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString('base64');
      for (const scheme of ['basic', 'BASIC']) {
        expect((await sys.http.get('/api/admin/pools').set('Authorization', `${scheme} ${credentials}`)).status, scheme).to.equal(200);
        expect((await sys.http.get('/admin/jobs/api').set('Authorization', `${scheme} ${credentials}`)).status, scheme).to.equal(200);
      }
    });

    it('refuses a correctly signed customer token without an expiry', async function () {
      const key = new TextEncoder().encode(sys.ctx.config.token.secret);
      const sign = (withExpiry: boolean) => {
        const jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(buyer.id).setIssuer('checkout-rewards').setAudience('customer').setIssuedAt();
        return (withExpiry ? jwt.setExpirationTime('1h') : jwt).sign(key);
      };
      expect((await sys.http.get('/api/me').set('Authorization', `Bearer ${await sign(true)}`)).status, 'the control').to.equal(200);
      const res = await sys.http.get('/api/me').set('Authorization', `Bearer ${await sign(false)}`);
      expect(res.status).to.equal(401);
      spec(res, 'UNAUTHENTICATED');
    });
  });

  describe('a cart line that could never be checked out', function () {
    it('is refused when added, with 400 and the cart unchanged', async function () {
      const customer = await shop.customer();
      await shop.addToCart(customer, 'EDGE-DEAR', 99);
      const before = await shop.state(customer);
      const cart = await sys.http.get('/api/cart').set('Authorization', customer.auth);
      expect(cart.body.data.total).to.equal(99_000_000_000);

      for (const [sku, quantity] of [['EDGE-DEAR', 2], ['EDGE-MID', 1000]] as const) {
        const res = await sys.http.post('/api/cart/items').set('Authorization', customer.auth).send({ sku, quantity });
        expect(res.status, `${quantity} × ${sku}`).to.equal(400);
        spec(res, 'VALIDATION_FAILED');
        expect(res.body.error.message).to.contain('maximum order total');
      }
      const huge = await sys.http.post('/api/cart/items').set('Authorization', customer.auth).send({ sku: 'EDGE-DEAR', quantity: Number.MAX_SAFE_INTEGER });
      expect(huge.status).to.equal(400);
      expect(await shop.state(customer)).to.deep.equal(before);

      await shop.addToCart(customer, 'EDGE-DEAR', 1); // exactly the maximum is still fine
      expect((await sys.http.get('/api/cart').set('Authorization', customer.auth)).body.data.total).to.equal(100_000_000_000);
    });
  });
});
