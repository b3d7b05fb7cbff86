import { expect } from 'chai';
import { captureLogs } from '../support/log-capture.js';
import { Shop, type Customer } from '../support/shop.js';
import { ADMIN, adminAuth, startTestSystem, type TestSystem } from '../support/system.js';

/** docs/spec.md §8: prices from the catalog only, customers see their own, admin behind Basic auth, no secret logged. */
describe('security', function () {
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem();
    shop = new Shop(sys);
    await shop.product('SEC-LAMP', 900);
    await shop.product('SEC-BULB', 100);
  });
  after(async () => sys?.shutdown());

  const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

  describe('prices come from the catalog, never from the client', function () {
    it('rejects price fields when adding to the cart and leaves the cart as it was', async function () {
      const buyer = await shop.customer({ walletBalance: 5000 });
      const before = await shop.state(buyer);
      for (const extra of [{ price: 1 }, { unitPrice: 1 }, { total: 1 }, { name: 'cheap' }]) {
        const res = await sys.http.post('/api/cart/items').set('Authorization', buyer.auth).send({ sku: 'SEC-LAMP', quantity: 1, ...extra });
        expect(res.status, JSON.stringify(res.body)).to.equal(400);
        expect(res.body.error.code).to.equal('VALIDATION_FAILED');
        expect(res.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(Object.keys(extra));
      }
      expect(await shop.state(buyer)).to.deep.equal(before);
    });

    it('rejects totals sent to checkout', async function () {
      const buyer = await shop.customer({ walletBalance: 5000 });
      await shop.addToCart(buyer, 'SEC-LAMP', 1);
      const before = await shop.state(buyer);
      for (const body of [{ total: 1 }, { cartTotal: 1 }, { items: [{ sku: 'SEC-LAMP', quantity: 1, price: 1 }] }]) {
        const res = await shop.checkout(buyer).send(body);
        expect(res.status).to.equal(400);
      }
      expect(await shop.state(buyer)).to.deep.equal(before);
    });

    it('prices the cart and the purchase from the catalog at checkout time', async function () {
      await shop.product('SEC-RISING', 300);
      const buyer = await shop.customer({ walletBalance: 5000 });
      await shop.addToCart(buyer, 'SEC-RISING', 2);
      await shop.addToCart(buyer, 'SEC-BULB', 1);
      const cart = await sys.http.get('/api/cart').set('Authorization', buyer.auth);
      expect(cart.body.data.total).to.equal(700);
      expect(cart.body.data.items[0]).to.include({ sku: 'SEC-RISING', unitPrice: 300, quantity: 2, lineTotal: 600 });

      await shop.product('SEC-RISING', 350); // the catalog price changes after the item was added
      const res = await shop.checkout(buyer);
      expect(res.status).to.equal(200);
      expect(res.body.data.cartTotal).to.equal(800);
      expect(res.body.data.newWalletBalance).to.equal(4200);
      const purchase = await sys.http.get(`/api/transactions/${res.body.data.transactionId}`).set('Authorization', buyer.auth);
      expect(purchase.body.data.lines[0]).to.include({ sku: 'SEC-RISING', unitPrice: 350, lineTotal: 700 });
    });
  });

  describe('customers see only their own', function () {
    let owner: Customer;
    let other: Customer;
    let transactionId: string;

    before(async function () {
      owner = await shop.customer({ walletBalance: 2000 });
      other = await shop.customer({ walletBalance: 2000 });
      await shop.addToCart(owner, 'SEC-LAMP', 1);
      const res = await shop.checkout(owner);
      expect(res.status).to.equal(200);
      transactionId = res.body.data.transactionId;
    });

    it("answers 404 for another customer's transaction, exactly as for an unknown one", async function () {
      const own = await sys.http.get(`/api/transactions/${transactionId}`).set('Authorization', owner.auth);
      expect(own.status).to.equal(200);
      expect(own.body.data.id).to.equal(transactionId);

      const theirs = await sys.http.get(`/api/transactions/${transactionId}`).set('Authorization', other.auth);
      const unknownId = 'bbbbbbbbbbbbbbbbbbbbbbbb';
      const unknown = await sys.http.get(`/api/transactions/${unknownId}`).set('Authorization', other.auth);
      expect(theirs.status).to.equal(404);
      expect(theirs.body.error.code).to.equal('TRANSACTION_NOT_FOUND');
      expect(JSON.stringify(theirs.body).replaceAll(transactionId, unknownId)).to.equal(JSON.stringify(unknown.body));
      expect(JSON.stringify(theirs.body)).to.not.contain(owner.id);
      expect(JSON.stringify(theirs.body)).to.not.contain('SEC-LAMP');
    });

    it('answers 400 for a malformed transaction id, not 500', async function () {
      const res = await sys.http.get('/api/transactions/not-an-id').set('Authorization', other.auth);
      expect(res.status).to.equal(400);
      expect(res.body.error.code).to.equal('VALIDATION_FAILED');
    });

    it('/api/me and /api/cart answer for the token holder only', async function () {
      const me = await sys.http.get('/api/me').set('Authorization', other.auth);
      expect(me.body.data.id).to.equal(other.id);
      expect(me.body.data.walletBalance).to.equal(2000);
      const cart = await sys.http.get('/api/cart').set('Authorization', other.auth);
      expect(cart.body.data.items).to.deep.equal([]);
    });
  });

  describe('admin authentication', function () {
    let customer: Customer;
    before(async () => {
      customer = await shop.customer({ walletBalance: 0 });
    });

    const adminRequests = () => [
      sys.http.post('/api/admin/users').send({ name: 'Mallory', email: 'mallory@example.test', walletBalance: 1_000_000 }),
      sys.http.post(`/api/admin/users/${customer.id}/token`),
      sys.http.post(`/api/admin/users/${customer.id}/wallet`).send({ amount: 1_000_000 }),
      sys.http.post('/api/admin/products').send({ sku: 'SEC-LAMP', name: 'Free lamp', price: 1 }),
      sys.http.get('/api/admin/pools'),
      sys.http.get('/admin/jobs/'),
      sys.http.get('/admin/jobs'),
      sys.http.get('/admin/jobs/api'),
      sys.http.post('/admin/jobs/api/jobs/delete').send({ jobIds: [] }),
    ];

    const wrongCredentials: [string, () => string | undefined][] = [
      ['no credentials', () => undefined],
      ['a wrong password', () => basic(ADMIN.username, 'not-the-password')],
      ['a wrong user', () => basic('root', ADMIN.password)],
      ['no password', () => `Basic ${Buffer.from(ADMIN.username).toString('base64')}`],
      ['an empty Basic', () => 'Basic '],
      ['Basic that is not base64', () => 'Basic !!!'],
      ['a customer bearer token', () => customer.auth],
      ['a customer token as Basic password', () => basic(customer.id, customer.token)],
    ];

    for (const [label, header] of wrongCredentials) {
      it(`answers 401 with WWW-Authenticate to ${label}, on every admin route and /admin/jobs`, async function () {
        const authorization = header();
        const users = await sys.ctx.database.models.User.countDocuments({});
        const wallet = await shop.state(customer);
        for (const req of adminRequests()) {
          const res = await (authorization === undefined ? req : req.set('Authorization', authorization));
          expect(res.status, `${label}: ${req.url}`).to.equal(401);
          expect(res.headers['www-authenticate']).to.match(/^Basic realm="[^"]+"/);
          expect(res.body).to.deep.equal({ success: false, error: { code: 'UNAUTHENTICATED', message: 'Admin credentials required' } });
        }
        expect(await sys.ctx.database.models.User.countDocuments({})).to.equal(users);
        expect(await shop.state(customer)).to.deep.equal(wallet);
        expect((await sys.ctx.database.models.Product.findOne({ sku: 'SEC-LAMP' }).lean())!.price).to.equal(900);
      });
    }

    it('serves the Agendash dashboard and its API with the right credentials', async function () {
      const page = await sys.http.get('/admin/jobs/').set('Authorization', adminAuth);
      expect(page.status).to.equal(200);
      expect(page.type).to.equal('text/html');
      expect(page.text).to.contain('<title>Agendash</title>');
      const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.text)?.[1];
      expect(asset, 'script asset in the page').to.be.a('string');
      expect((await sys.http.get(`/admin/jobs/${asset}`).set('Authorization', adminAuth)).status).to.equal(200);
      expect((await sys.http.get(`/admin/jobs/${asset}`)).status).to.equal(401);
      const api = await sys.http.get('/admin/jobs/api').set('Authorization', adminAuth);
      expect(api.status).to.equal(200);
      expect(api.body).to.have.property('jobs');
    });

    it('an admin credential is not a customer credential', async function () {
      const res = await sys.http.get('/api/me').set('Authorization', adminAuth);
      expect(res.status).to.equal(401);
      expect(res.body.error.code).to.equal('UNAUTHENTICATED');
    });
  });

  describe('logs', function () {
    it('never contain the admin password, a customer token or the token secret', async function () {
      let buyer!: Customer;
      const lines = await captureLogs(async () => {
        buyer = await shop.customer({ walletBalance: 1000 });
        await sys.http.post(`/api/admin/users/${buyer.id}/wallet`).set('Authorization', adminAuth).send({ amount: 500 });
        await sys.http.get('/api/admin/pools').set('Authorization', basic(ADMIN.username, `${ADMIN.password}-wrong`));
        await shop.addToCart(buyer, 'SEC-BULB', 2);
        expect((await shop.checkout(buyer, 'log-check').send({ cartVersion: 1 })).status).to.equal(200);
        await sys.http.get('/api/me').set('Authorization', `Bearer ${buyer.token}x`);
        await sys.http.get('/admin/jobs/').set('Authorization', adminAuth);
      });
      const output = lines.map((line) => JSON.stringify(line)).join('\n');
      expect(output, 'the capture saw the requests').to.contain('/api/checkout');
      expect(output).to.contain('user created');
      const secrets = {
        adminPassword: ADMIN.password,
        adminBasic: adminAuth.slice('Basic '.length),
        customerToken: buyer.token,
        customerTokenSignature: buyer.token.split('.')[2]!,
        tokenSecret: sys.ctx.config.token.secret,
      };
      for (const [name, secret] of Object.entries(secrets)) expect(output, name).to.not.contain(secret);
    });
  });
});
