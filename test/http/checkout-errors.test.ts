import { expect } from 'chai';
import { SignJWT } from 'jose';
import type { Response } from 'supertest';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';

/** docs/spec.md §4: every refused checkout answers the error shape with the exact status, and writes nothing. */
describe('checkout errors', function () {
  let sys: TestSystem;
  let shop: Shop;

  before(async function () {
    sys = await startTestSystem();
    shop = new Shop(sys);
    await shop.product('ERR-BOOK', 400);
    await shop.product('ERR-PEN', 200);
  });
  after(async () => sys?.shutdown());

  async function buyerWithCart(walletBalance = 5000): Promise<Customer> {
    const buyer = await shop.customer({ walletBalance });
    await shop.addToCart(buyer, 'ERR-BOOK', 2);
    await shop.addToCart(buyer, 'ERR-PEN', 1);
    return buyer;
  }

  function expectError(res: Response, status: number, code: string): void {
    expect(res.status, JSON.stringify(res.body)).to.equal(status);
    expect(res.type).to.equal('application/json');
    expect(res.body).to.have.all.keys('success', 'error');
    expect(res.body.success).to.equal(false);
    expect(res.body.error.code).to.equal(code);
    expect(res.body.error.message).to.be.a('string').and.not.equal('');
    expect(Object.keys(res.body.error)).to.satisfy((keys: string[]) => keys.every((k) => ['code', 'message', 'details'].includes(k)));
  }

  /** Runs a refused checkout and proves nothing changed: wallet, cart, ledger, idempotency keys, jobs. */
  async function refused(buyer: Customer, send: () => Promise<Response>, status: number, code: string): Promise<Response> {
    const before = await shop.state(buyer);
    const res = await send();
    expectError(res, status, code);
    expect(await shop.state(buyer)).to.deep.equal(before);
    return res;
  }

  describe('400 invalid input', function () {
    it('rejects an unknown body field', async function () {
      const buyer = await buyerWithCart();
      const res = await refused(buyer, () => shop.checkout(buyer).send({ cartVersion: 2, coupon: 'FREE' }), 400, 'VALIDATION_FAILED');
      expect(res.body.error.details).to.deep.include({ path: 'coupon', message: "'coupon' is not allowed" });
    });

    it('rejects a cartVersion that is not a non-negative integer', async function () {
      const buyer = await buyerWithCart();
      for (const cartVersion of ['2', 1.5, -1, null, true]) {
        const res = await refused(buyer, () => shop.checkout(buyer).send({ cartVersion }), 400, 'VALIDATION_FAILED');
        expect(res.body.error.details[0].path).to.equal('cartVersion');
      }
    });

    it('rejects a body that is not an object', async function () {
      const buyer = await buyerWithCart();
      await refused(buyer, () => shop.checkout(buyer).send([{ cartVersion: 2 }]), 400, 'VALIDATION_FAILED');
    });

    it('rejects a malformed Idempotency-Key', async function () {
      const buyer = await buyerWithCart();
      for (const key of ['', 'has space', 'x'.repeat(129), 'semi;colon', 'ünïcode']) {
        const res = await refused(buyer, () => shop.checkout(buyer).set('Idempotency-Key', key), 400, 'VALIDATION_FAILED');
        expect(res.body.error.message).to.equal('Invalid header');
      }
    });

    it('rejects malformed JSON with 400, not 500', async function () {
      const buyer = await buyerWithCart();
      const res = await refused(
        buyer,
        () => shop.checkout(buyer).set('Content-Type', 'application/json').send('{"cartVersion": 2,'),
        400,
        'MALFORMED_JSON',
      );
      expect(res.body.error).to.not.have.property('details');
    });
  });

  describe('401 no or invalid token', function () {
    let buyer: Customer;
    before(async () => {
      buyer = await buyerWithCart();
    });

    const post = (authorization?: string) => {
      const req = sys.http.post('/api/checkout');
      return authorization === undefined ? req : req.set('Authorization', authorization);
    };
    // The secret the test system signs with (TOKEN_SECRET of test/support/system.ts).
    const sign = (claims: { sub: string; exp: number; iss?: string; aud?: string }, secret = sys.ctx.config.token.secret) =>
      new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(claims.sub)
        .setIssuer(claims.iss ?? 'checkout-rewards')
        .setAudience(claims.aud ?? 'customer')
        .setIssuedAt(claims.exp - 3600)
        .setExpirationTime(claims.exp)
        .sign(new TextEncoder().encode(secret));
    const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

    it('without a token', async function () {
      await refused(buyer, () => post(), 401, 'UNAUTHENTICATED');
    });

    it('with a malformed token or scheme', async function () {
      for (const header of ['Bearer', 'Bearer not-a-jwt', 'Bearer a.b.c', `Token ${buyer.token}`, buyer.token, `Bearer ${buyer.token} extra`]) {
        await refused(buyer, () => post(header), 401, 'UNAUTHENTICATED');
      }
    });

    it('with a token signed by another key', async function () {
      const forged = await sign({ sub: buyer.id, exp: inAnHour() }, 'another-secret-that-is-long-enough-0123456789');
      await refused(buyer, () => post(`Bearer ${forged}`), 401, 'UNAUTHENTICATED');
    });

    it('with a tampered token (payload changed, signature kept)', async function () {
      const other = await shop.customer({ walletBalance: 5000 });
      const [header, , signature] = buyer.token.split('.');
      const [, otherPayload] = other.token.split('.');
      await refused(buyer, () => post(`Bearer ${header}.${otherPayload}.${signature}`), 401, 'UNAUTHENTICATED');
    });

    it('with an expired token', async function () {
      const expired = await sign({ sub: buyer.id, exp: Math.floor(Date.now() / 1000) - 60 });
      const res = await refused(buyer, () => post(`Bearer ${expired}`), 401, 'UNAUTHENTICATED');
      expect(res.body.error.message).to.equal('Token expired');
    });

    it('with a token for another audience or issuer', async function () {
      await refused(buyer, async () => post(`Bearer ${await sign({ sub: buyer.id, exp: inAnHour(), aud: 'admin' })}`), 401, 'UNAUTHENTICATED');
      await refused(buyer, async () => post(`Bearer ${await sign({ sub: buyer.id, exp: inAnHour(), iss: 'elsewhere' })}`), 401, 'UNAUTHENTICATED');
    });

    it('with a validly signed token whose subject is not a user id', async function () {
      await refused(buyer, async () => post(`Bearer ${await sign({ sub: 'admin', exp: inAnHour() })}`), 401, 'UNAUTHENTICATED');
    });

    it('answers 404 USER_NOT_FOUND for a valid token naming no user', async function () {
      const ghost = await sign({ sub: 'aaaaaaaaaaaaaaaaaaaaaaaa', exp: inAnHour() });
      const ledger = await sys.ctx.database.models.Ledger.countDocuments({});
      const res = await post(`Bearer ${ghost}`);
      expectError(res, 404, 'USER_NOT_FOUND');
      expect(await sys.ctx.database.models.Ledger.countDocuments({})).to.equal(ledger);
      await refused(buyer, () => post(`Bearer ${ghost}`).set('Idempotency-Key', 'ghost-key'), 404, 'USER_NOT_FOUND');
    });
  });

  describe('402 insufficient funds', function () {
    it('refuses a cart above the wallet balance, with the figures in details', async function () {
      const buyer = await buyerWithCart(999);
      const res = await refused(buyer, () => shop.checkout(buyer), 402, 'INSUFFICIENT_FUNDS');
      expect(res.body.error.details).to.deep.equal({ cartTotal: 1000, walletBalance: 999 });
    });

    it('keeps no idempotency key, so the same key works once the wallet is topped up', async function () {
      const buyer = await buyerWithCart(0);
      await refused(buyer, () => shop.checkout(buyer, 'topup-then-retry'), 402, 'INSUFFICIENT_FUNDS');
      const credit = await sys.http.post(`/api/admin/users/${buyer.id}/wallet`).set('Authorization', adminAuth).send({ amount: 1000 });
      expect(credit.status).to.equal(200);
      const res = await shop.checkout(buyer, 'topup-then-retry');
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.data.newWalletBalance).to.equal(0);
    });
  });

  describe('404 unknown or inactive product', function () {
    it('refuses a cart holding a product deactivated after it was added', async function () {
      await shop.product('ERR-GONE', 100);
      const buyer = await buyerWithCart();
      await shop.addToCart(buyer, 'ERR-GONE', 1);
      const off = await sys.http.post('/api/admin/products').set('Authorization', adminAuth).send({ sku: 'ERR-GONE', name: 'Gone', price: 100, active: false });
      expect(off.status).to.equal(200);
      const res = await refused(buyer, () => shop.checkout(buyer, 'gone-key'), 404, 'PRODUCT_NOT_FOUND');
      expect(res.body.error.details).to.deep.equal({ skus: ['ERR-GONE'] });
    });

    it('refuses a cart holding a sku that is not in the catalog', async function () {
      const buyer = await buyerWithCart();
      // Only the catalog can be bypassed from inside: put an unknown sku straight into the stored cart.
      await sys.ctx.database.models.Cart.updateOne({ user: buyer.id }, { $push: { items: { sku: 'ERR-NEVER', quantity: 1 } }, $inc: { version: 1 } });
      const res = await refused(buyer, () => shop.checkout(buyer), 404, 'PRODUCT_NOT_FOUND');
      expect(res.body.error.details).to.deep.equal({ skus: ['ERR-NEVER'] });
    });
  });

  describe('409 conflicts', function () {
    it('refuses an empty cart', async function () {
      const buyer = await shop.customer({ walletBalance: 5000 });
      await refused(buyer, () => shop.checkout(buyer), 409, 'EMPTY_CART');
      await refused(buyer, () => shop.checkout(buyer, 'empty-key'), 409, 'EMPTY_CART');
    });

    it('refuses a cart emptied by removing its lines', async function () {
      const buyer = await shop.customer({ walletBalance: 5000 });
      await shop.addToCart(buyer, 'ERR-PEN', 1);
      const removed = await sys.http.delete('/api/cart/items/ERR-PEN').set('Authorization', buyer.auth);
      expect(removed.status).to.equal(200);
      await refused(buyer, () => shop.checkout(buyer), 409, 'EMPTY_CART');
    });

    it('refuses when the cart changed since the version the customer saw', async function () {
      const buyer = await buyerWithCart();
      const seen = (await sys.http.get('/api/cart').set('Authorization', buyer.auth)).body.data.version as number;
      await shop.addToCart(buyer, 'ERR-PEN', 1);
      const res = await refused(buyer, () => shop.checkout(buyer).send({ cartVersion: seen }), 409, 'CART_CHANGED');
      expect(res.body.error.message).to.contain(String(seen));
      const ok = await shop.checkout(buyer).send({ cartVersion: seen + 1 });
      expect(ok.status, JSON.stringify(ok.body)).to.equal(200);
      expect(ok.body.data.cartTotal).to.equal(1200);
    });

    it('refuses an idempotency key reused with a different cart', async function () {
      const buyer = await buyerWithCart();
      const first = await shop.checkout(buyer, 'reuse-key');
      expect(first.status).to.equal(200);
      await shop.addToCart(buyer, 'ERR-BOOK', 1);
      await refused(buyer, () => shop.checkout(buyer, 'reuse-key'), 409, 'IDEMPOTENCY_KEY_REUSED');
    });
  });

  describe('413 and 415 bodies', function () {
    it('refuses an oversized body with 413', async function () {
      const buyer = await buyerWithCart();
      const big = JSON.stringify({ cartVersion: 1, padding: 'x'.repeat(sys.ctx.config.bodyLimitBytes + 1) });
      await refused(buyer, () => shop.checkout(buyer).set('Content-Type', 'application/json').send(big), 413, 'PAYLOAD_TOO_LARGE');
    });

    it('refuses a body that is not JSON with 415', async function () {
      const buyer = await buyerWithCart();
      await refused(buyer, () => shop.checkout(buyer).set('Content-Type', 'text/plain').send('cartVersion=2'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await refused(buyer, () => shop.checkout(buyer).type('form').send({ cartVersion: '2' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await refused(buyer, () => shop.checkout(buyer).send('{"cartVersion":2}').set('Content-Type', 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('refuses a JSON body in an unsupported charset or encoding with 415', async function () {
      const buyer = await buyerWithCart();
      await refused(buyer, () => shop.checkout(buyer).set('Content-Type', 'application/json; charset=latin1').send('{}'), 415, 'UNSUPPORTED_MEDIA_TYPE');
      await refused(
        buyer,
        () => shop.checkout(buyer).set('Content-Type', 'application/json').set('Content-Encoding', 'x-unknown').send('{}'),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      );
    });
  });

  describe('afterwards', function () {
    it('still checks out a cart that exactly fits the wallet (the refusals left the system usable)', async function () {
      const buyer = await buyerWithCart(1000);
      const res = await shop.checkout(buyer);
      expect(res.status, JSON.stringify(res.body)).to.equal(200);
      expect(res.body.data.newWalletBalance).to.equal(0);
    });
  });
});
