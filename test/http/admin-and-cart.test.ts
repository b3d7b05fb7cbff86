import { expect } from 'chai';
import { SignJWT } from 'jose';
import type { Response } from 'supertest';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { testMongo } from '../support/test-run.js';

/** docs/spec.md §6: the admin, cart, account and operations endpoints. */
describe('admin, cart and operations endpoints', function () {
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem();
    shop = new Shop(sys);
    await shop.product('AC-TEA', 120);
    await shop.product('AC-POT', 800);
  });
  after(async () => sys?.shutdown());

  const admin = {
    post: (path: string, body?: object) => {
      const req = sys.http.post(path).set('Authorization', adminAuth);
      return body === undefined ? req : req.send(body);
    },
  };

  function expectError(res: Response, status: number, code: string): void {
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.body.success).to.equal(false);
    expect(res.body.error.code).to.equal(code);
    expect(res.body.error.message).to.be.a('string');
  }

  let seq = 0;
  const email = (name: string) => `${name}-${++seq}-${Date.now()}@example.test`;

  describe('POST /api/admin/users', function () {
    it('creates a user with the given fields and answers 201 with its id', async function () {
      const referrer = await admin.post('/api/admin/users', { name: 'Ref', email: email('ref'), level: 'C' });
      expect(referrer.status).to.equal(201);
      const mail = email('New');
      const res = await admin.post('/api/admin/users', {
        name: 'Nia',
        email: mail,
        referrerId: referrer.body.data.id,
        level: 'B',
        isActive: true,
        isVerified: false,
        walletBalance: 2500,
      });
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      expect(res.body.success).to.equal(true);
      expect(res.body.data.id).to.match(/^[0-9a-f]{24}$/);
      expect(res.body.data).to.deep.include({
        name: 'Nia',
        email: mail.toLowerCase(),
        referrerId: referrer.body.data.id,
        level: 'B',
        isActive: true,
        isVerified: false,
        walletBalance: 2500,
        rewardPoints: 0,
        lifetimeSpend: 0,
      });
      const stored = await sys.ctx.database.models.User.findById(res.body.data.id).lean();
      expect(stored!.walletBalance).to.equal(2500);
      expect(stored!.referrer!.toString()).to.equal(referrer.body.data.id);
    });

    it('applies the defaults of docs/spec.md §3 to omitted fields', async function () {
      const res = await admin.post('/api/admin/users', { name: 'Dee', email: email('dee') });
      expect(res.status).to.equal(201);
      expect(res.body.data).to.deep.include({ referrerId: null, level: null, isActive: true, isVerified: true, walletBalance: 0 });
    });

    it('answers 409 for a duplicate email, also in another case', async function () {
      const mail = email('dup');
      expect((await admin.post('/api/admin/users', { name: 'One', email: mail })).status).to.equal(201);
      const users = await sys.ctx.database.models.User.countDocuments({});
      expectError(await admin.post('/api/admin/users', { name: 'Two', email: mail }), 409, 'CONFLICT');
      expectError(await admin.post('/api/admin/users', { name: 'Three', email: mail.toUpperCase() }), 409, 'CONFLICT');
      expect(await sys.ctx.database.models.User.countDocuments({})).to.equal(users);
    });

    it('answers 404 for an unknown referrerId', async function () {
      const res = await admin.post('/api/admin/users', { name: 'Orphan', email: email('orphan'), referrerId: 'cccccccccccccccccccccccc' });
      expectError(res, 404, 'USER_NOT_FOUND');
      expect(await sys.ctx.database.models.User.countDocuments({ name: 'Orphan' })).to.equal(0);
    });

    const invalid: [string, object][] = [
      ['an unknown level', { level: 'K' }],
      ['a lower-case level', { level: 'a' }],
      ['an invalid email', { email: 'not-an-email' }],
      ['a missing name', { name: undefined }],
      ['an empty name', { name: '   ' }],
      ['a malformed referrerId', { referrerId: '123' }],
      ['a negative wallet', { walletBalance: -1 }],
      ['a fractional wallet', { walletBalance: 10.5 }],
      ['a wallet as a string', { walletBalance: '100' }],
      ['isActive as a string', { isActive: 'yes' }],
      ['an unknown field', { role: 'admin' }],
      ['a stored-only field', { rewardPoints: 1000 }],
      ['a stored-only field', { lifetimeSpend: 1_000_000 }],
    ];
    for (const [label, fields] of invalid) {
      it(`answers 400 for ${label} (${JSON.stringify(fields)})`, async function () {
        const users = await sys.ctx.database.models.User.countDocuments({});
        const res = await admin.post('/api/admin/users', { name: 'Val', email: email('val'), ...fields });
        expectError(res, 400, 'VALIDATION_FAILED');
        expect(res.body.error.details).to.be.an('array').that.is.not.empty;
        expect(await sys.ctx.database.models.User.countDocuments({})).to.equal(users);
      });
    }

    it('issues a token only for an existing user', async function () {
      expectError(await admin.post('/api/admin/users/dddddddddddddddddddddddd/token'), 404, 'USER_NOT_FOUND');
      expectError(await admin.post('/api/admin/users/nope/token'), 400, 'VALIDATION_FAILED');
    });
  });

  describe('POST /api/admin/users/:id/wallet', function () {
    let customer: Customer;
    before(async () => {
      customer = await shop.customer({ walletBalance: 100 });
    });

    it('credits a positive integer amount', async function () {
      const res = await admin.post(`/api/admin/users/${customer.id}/wallet`, { amount: 250 });
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ success: true, data: { id: customer.id, walletBalance: 350, entryId: res.body.data.entryId } });
      expect((await shop.state(customer)).walletBalance).to.equal(350);
    });

    for (const amount of [0, -5, 1.5, '10', null, 1e20]) {
      it(`refuses amount ${JSON.stringify(amount)} with 400`, async function () {
        const before = await shop.state(customer);
        expectError(await admin.post(`/api/admin/users/${customer.id}/wallet`, { amount }), 400, 'VALIDATION_FAILED');
        expect(await shop.state(customer)).to.deep.equal(before);
      });
    }

    it('refuses a missing amount or extra fields with 400, and an unknown user with 404', async function () {
      expectError(await admin.post(`/api/admin/users/${customer.id}/wallet`, {}), 400, 'VALIDATION_FAILED');
      expectError(await admin.post(`/api/admin/users/${customer.id}/wallet`, { amount: 5, walletBalance: 5 }), 400, 'VALIDATION_FAILED');
      expectError(await admin.post('/api/admin/users/eeeeeeeeeeeeeeeeeeeeeeee/wallet', { amount: 5 }), 404, 'USER_NOT_FOUND');
    });
  });

  describe('POST /api/admin/products', function () {
    it('creates (201) then updates (200) a product', async function () {
      const created = await admin.post('/api/admin/products', { sku: 'AC-NEW', name: 'New thing', price: 999 });
      expect(created.status).to.equal(201);
      expect(created.body.data).to.deep.include({ sku: 'AC-NEW', name: 'New thing', price: 999, active: true });
      expect(created.body.data.id).to.match(/^[0-9a-f]{24}$/);

      const updated = await admin.post('/api/admin/products', { sku: 'AC-NEW', name: 'New thing v2', price: 1099 });
      expect(updated.status).to.equal(200);
      expect(updated.body.data).to.deep.equal({ id: created.body.data.id, sku: 'AC-NEW', name: 'New thing v2', price: 1099, active: true });
      const stored = await sys.ctx.database.models.Product.find({ sku: 'AC-NEW' }).lean();
      expect(stored.map((p) => p.price)).to.deep.equal([1099]);
    });

    it('two concurrent writes of the same new sku: one 201, one 200, one product, never a 500 (10 pairs over real HTTP)', async function () {
      const write = (sku: string, price: number) =>
        fetch(`${sys.url}/api/admin/products`, {
          method: 'POST',
          headers: { Authorization: adminAuth, 'Content-Type': 'application/json' },
          body: JSON.stringify({ sku, name: `Raced ${price}`, price }),
        }).then(async (res) => ({ status: res.status, body: (await res.json()) as { data: { id: string; price: number } } }));
      const run = Date.now().toString(36).toUpperCase();
      const outcomes: string[] = [];
      for (let pair = 0; pair < 10; pair++) {
        const sku = `AC-RACE-${run}-${pair}`;
        const answers = await Promise.all([write(sku, 100 + pair), write(sku, 200 + pair)]);
        outcomes.push(`${sku}: ${answers.map((a) => a.status).join(',')}`);
        const stored = await sys.ctx.database.models.Product.find({ sku }).lean();
        expect(stored, sku).to.have.length(1);
        expect(stored[0]!.createdAt, `${sku} has its creation time (newest-first paging)`).to.be.instanceOf(Date);
        if (answers.some((a) => a.status >= 500)) continue; // all outcomes are judged below
        expect(answers.map((a) => a.status).sort(), sku).to.deep.equal([200, 201]);
        expect(answers[0]!.body.data.id, sku).to.equal(answers[1]!.body.data.id);
        expect([100 + pair, 200 + pair]).to.include(stored[0]!.price);
      }
      expect(outcomes.filter((o) => !/: (200,201|201,200)$/.test(o)), outcomes.join('\n')).to.deep.equal([]);
    });

    for (const price of [0, -1, 1.5, '100', null]) {
      it(`refuses price ${JSON.stringify(price)} with 400`, async function () {
        expectError(await admin.post('/api/admin/products', { sku: 'AC-TEA', name: 'Tea', price }), 400, 'VALIDATION_FAILED');
        expect((await sys.ctx.database.models.Product.findOne({ sku: 'AC-TEA' }).lean())!.price).to.equal(120);
      });
    }

    it('refuses a bad sku, a missing name and unknown fields with 400', async function () {
      expectError(await admin.post('/api/admin/products', { sku: 'has space', name: 'X', price: 1 }), 400, 'VALIDATION_FAILED');
      expectError(await admin.post('/api/admin/products', { sku: 'AC-X', price: 1 }), 400, 'VALIDATION_FAILED');
      expectError(await admin.post('/api/admin/products', { sku: 'AC-X', name: 'X', price: 1, stock: 3 }), 400, 'VALIDATION_FAILED');
      expect(await sys.ctx.database.models.Product.countDocuments({ sku: 'AC-X' })).to.equal(0);
    });
  });

  describe('GET /api/admin/pools', function () {
    it('answers the system totals', async function () {
      const res = await sys.http.get('/api/admin/pools').set('Authorization', adminAuth);
      expect(res.status).to.equal(200);
      expect(res.body.success).to.equal(true);
      expect(res.body.data).to.be.an('object');
    });
  });

  describe('cart', function () {
    let buyer: Customer;
    const cart = () => sys.http.get('/api/cart').set('Authorization', buyer.auth);
    const add = (body: object) => sys.http.post('/api/cart/items').set('Authorization', buyer.auth).send(body);
    const remove = (sku: string) => sys.http.delete(`/api/cart/items/${sku}`).set('Authorization', buyer.auth);

    before(async () => {
      buyer = await shop.customer({ walletBalance: 10_000 });
    });

    it('starts empty at version 0', async function () {
      const res = await cart();
      expect(res.status).to.equal(200);
      expect(res.body).to.deep.equal({ success: true, data: { version: 0, items: [], total: 0, unavailable: [] } });
    });

    it('adds, merges and removes lines, priced from the catalog, the version increasing on every edit', async function () {
      const versions: number[] = [(await cart()).body.data.version];
      const edits = [() => add({ sku: 'AC-TEA', quantity: 2 }), () => add({ sku: 'AC-POT', quantity: 1 }), () => add({ sku: 'AC-TEA', quantity: 3 })];
      for (const edit of edits) {
        const res = await edit();
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        versions.push(res.body.data.version);
      }
      const viewed = await cart();
      expect(viewed.body.data).to.deep.equal({
        version: versions.at(-1),
        items: [
          { sku: 'AC-TEA', name: 'AC-TEA', unitPrice: 120, quantity: 5, lineTotal: 600 },
          { sku: 'AC-POT', name: 'AC-POT', unitPrice: 800, quantity: 1, lineTotal: 800 },
        ],
        total: 1400,
        unavailable: [],
      });

      const removed = await remove('AC-TEA');
      expect(removed.status).to.equal(200);
      versions.push(removed.body.data.version);
      expect(removed.body.data.items.map((l: { sku: string }) => l.sku)).to.deep.equal(['AC-POT']);
      expect(removed.body.data.total).to.equal(800);
      for (let i = 1; i < versions.length; i++) expect(versions[i], `version after edit ${i}`).to.equal(versions[i - 1]! + 1);
    });

    it('answers 404 for an unknown or inactive sku and leaves the cart alone', async function () {
      await shop.product('AC-OFF', 50);
      await admin.post('/api/admin/products', { sku: 'AC-OFF', name: 'Off', price: 50, active: false });
      const before = await shop.state(buyer);
      expectError(await add({ sku: 'AC-NOPE', quantity: 1 }), 404, 'PRODUCT_NOT_FOUND');
      expectError(await add({ sku: 'AC-OFF', quantity: 1 }), 404, 'PRODUCT_NOT_FOUND');
      expect(await shop.state(buyer)).to.deep.equal(before);
    });

    for (const quantity of [0, 1.5, -1, '2', null, 1001]) {
      it(`refuses quantity ${JSON.stringify(quantity)} with 400 and leaves the cart alone`, async function () {
        const before = await shop.state(buyer);
        expectError(await add({ sku: 'AC-TEA', quantity }), 400, 'VALIDATION_FAILED');
        expect(await shop.state(buyer)).to.deep.equal(before);
      });
    }

    it('refuses a missing sku, a bad sku or an unknown field with 400', async function () {
      const before = await shop.state(buyer);
      expectError(await add({ quantity: 1 }), 400, 'VALIDATION_FAILED');
      expectError(await add({ sku: '../etc', quantity: 1 }), 400, 'VALIDATION_FAILED');
      expectError(await add({ sku: 'AC-TEA', quantity: 1, user: buyer.id }), 400, 'VALIDATION_FAILED');
      expectError(await remove('bad%20sku'), 400, 'VALIDATION_FAILED');
      expect(await shop.state(buyer)).to.deep.equal(before);
    });

    it('answers 404 when removing a line that is not in the cart, without a version bump', async function () {
      const before = await shop.state(buyer);
      expectError(await remove('AC-TEA'), 404, 'CART_ITEM_NOT_FOUND');
      expect(await shop.state(buyer)).to.deep.equal(before);
    });

    it('refuses to hold more than the per-line maximum', async function () {
      const other = await shop.customer();
      await shop.addToCart(other, 'AC-TEA', 1000);
      const before = await shop.state(other);
      const res = await sys.http.post('/api/cart/items').set('Authorization', other.auth).send({ sku: 'AC-TEA', quantity: 1 });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(await shop.state(other)).to.deep.equal(before);
    });

    it('shows a product deactivated after it was added as unavailable', async function () {
      const other = await shop.customer();
      await shop.product('AC-FADE', 70);
      await shop.addToCart(other, 'AC-FADE', 1);
      await admin.post('/api/admin/products', { sku: 'AC-FADE', name: 'Fade', price: 70, active: false });
      const res = await sys.http.get('/api/cart').set('Authorization', other.auth);
      expect(res.status).to.equal(200);
      expect(res.body.data).to.deep.include({ total: null, unavailable: ['AC-FADE'] });
      // and it can still be removed
      const removed = await sys.http.delete('/api/cart/items/AC-FADE').set('Authorization', other.auth);
      expect(removed.status).to.equal(200);
      expect(removed.body.data).to.deep.include({ items: [], total: 0, unavailable: [] });
    });
  });

  describe('a valid token naming no user', function () {
    const ghostId = 'abababababababababababab';
    let ghost: string;
    before(async () => {
      const token = await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(ghostId)
        .setIssuer('checkout-rewards')
        .setAudience('customer')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(sys.ctx.config.token.secret));
      ghost = `Bearer ${token}`;
    });

    it('answers 404 USER_NOT_FOUND on the cart and /api/me, and creates no cart', async function () {
      expectError(await sys.http.get('/api/cart').set('Authorization', ghost), 404, 'USER_NOT_FOUND');
      expectError(await sys.http.post('/api/cart/items').set('Authorization', ghost).send({ sku: 'AC-TEA', quantity: 1 }), 404, 'USER_NOT_FOUND');
      expectError(await sys.http.delete('/api/cart/items/AC-TEA').set('Authorization', ghost), 404, 'USER_NOT_FOUND');
      expectError(await sys.http.get('/api/me').set('Authorization', ghost), 404, 'USER_NOT_FOUND');
      expect(await sys.ctx.database.models.Cart.countDocuments({ user: ghostId })).to.equal(0);
    });
  });

  describe('GET /api/me', function () {
    it("answers the customer's balances and level", async function () {
      const me = await shop.customer({ walletBalance: 4321, level: 'D' });
      const res = await sys.http.get('/api/me').set('Authorization', me.auth);
      expect(res.status).to.equal(200);
      expect(res.body.success).to.equal(true);
      expect(res.body.data).to.deep.include({ id: me.id, walletBalance: 4321, rewardPoints: 0, level: 'D', lifetimeSpend: 0 });
    });

    it('answers 401 without a token', async function () {
      expectError(await sys.http.get('/api/me'), 401, 'UNAUTHENTICATED');
    });
  });

  describe('operations', function () {
    it('GET /health answers 200', async function () {
      const res = await sys.http.get('/health');
      expect(res.status).to.equal(200);
      expect(res.body.success).to.equal(true);
      expect(res.body.data.status).to.equal('ok');
    });

    it('GET /ready answers 200 naming the database server and whether it has transactions', async function () {
      const { capabilities } = await testMongo();
      const res = await sys.http.get('/ready');
      expect(res.status).to.equal(200);
      expect(res.body.success).to.equal(true);
      expect(res.body.data.status).to.equal('ready');
      expect(res.body.data.database).to.deep.include({ ok: true, server: capabilities.kind, transactions: capabilities.transactions });
      expect(res.body.data.database.version).to.be.a('string').and.not.equal('');
      expect(res.body.data.queue).to.deep.equal({ ok: true });
    });

    it('GET /metrics answers Prometheus text with the request histogram', async function () {
      await sys.http.get('/health');
      const res = await sys.http.get('/metrics');
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/plain; version=0\.0\.4/);
      expect(res.text).to.contain('# TYPE http_request_duration_seconds histogram');
      expect(res.text).to.match(/http_request_duration_seconds_count\{[^}]*route="\/health"[^}]*\} [1-9]/);
      expect(res.text).to.contain('# TYPE checkouts_total counter');
    });

    it('unknown routes answer 404 in the error shape', async function () {
      const res = await sys.http.get('/nowhere');
      expectError(res, 404, 'ROUTE_NOT_FOUND');
    });
  });
});
