import { expect } from 'chai';
import { openApiDocument } from '../../src/http/openapi/document.js';
import { FaultInjector } from '../support/fault-injector.js';
import { OpenApiValidator } from '../support/openapi-validator.js';
import { Shop, type Customer } from '../support/shop.js';
import { adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { waitFor } from '../support/wait.js';

/**
 * Issue 8: the OpenAPI document can't drift from the service. Real responses of every documented
 * operation — successes and errors — are checked against it, and every operation must be exercised.
 */
describe('OpenAPI document matches the real responses', function () {
  let sys: TestSystem;
  let shop: Shop;
  let buyer: Customer;
  let referrer: Customer;
  let paidId: string;
  let failedId: string;
  const api = new OpenApiValidator();
  const faults = new FaultInjector();
  const none = '0123456789abcdef01234567';

  before(async function () {
    sys = await startTestSystem({ worker: true, rewardsUseCase: faults.useCase });
    shop = new Shop(sys);
    await shop.product('OA-ITEM', 1000);
    referrer = await shop.customer({ level: 'A' });
    buyer = await shop.customer({ walletBalance: 5000, referrerId: referrer.id });
    await shop.addToCart(buyer, 'OA-ITEM', 1);
    paidId = (await shop.checkout(buyer)).body.data.transactionId;
    await waitFor(async () => ((await sys.ctx.database.models.Ledger.findById(paidId).lean())?.rewards?.status === 'completed' ? true : undefined));
    faults.failuresLeft = 3;
    await shop.addToCart(buyer, 'OA-ITEM', 1);
    failedId = (await shop.checkout(buyer)).body.data.transactionId;
    await waitFor(async () => ((await sys.ctx.database.models.Ledger.findById(failedId).lean())?.rewards?.status === 'failed' ? true : undefined));
  });
  after(async () => sys?.shutdown());

  const get = (path: string, auth?: string) => (auth ? sys.http.get(path).set('Authorization', auth) : sys.http.get(path));
  const post = (path: string, auth?: string, payload?: object) => {
    const req = auth ? sys.http.post(path).set('Authorization', auth) : sys.http.post(path);
    return payload === undefined ? req : req.send(payload);
  };

  it('operations and health', async function () {
    api.check('get', '/health', await get('/health'));
    api.check('get', '/ready', await get('/ready'));
    api.check('get', '/metrics', await get('/metrics'));
    const doc = api.check('get', '/openapi.json', await get('/openapi.json'));
    expect(doc.body.openapi).to.equal('3.1.0');
    api.check('get', '/admin/jobs/api', await get(`/admin/jobs/api?property=data.transactionId&q=${failedId}`, adminAuth));
    api.check('get', '/admin/jobs/api', await get('/admin/jobs/api?limit=5', adminAuth));
    api.check('get', '/admin/jobs/api', await get('/admin/jobs/api'));
  });

  it('admin users', async function () {
    const created = api.check('post', '/api/admin/users', await post('/api/admin/users', adminAuth, { name: 'Oa', email: `oa-${Date.now()}@example.test`, referrerId: referrer.id }));
    expect(created.status).to.equal(201);
    api.check('post', '/api/admin/users', await post('/api/admin/users', adminAuth, { name: 'Oa' }));
    api.check('post', '/api/admin/users', await post('/api/admin/users', adminAuth, { name: 'Oa', email: created.body.data.email }));
    api.check('post', '/api/admin/users', await post('/api/admin/users', adminAuth, { name: 'Oa', email: 'x@example.test', referrerId: none }));
    api.check('post', '/api/admin/users', await sys.http.post('/api/admin/users').set('Authorization', adminAuth).set('Content-Type', 'text/plain').send('hi'));
    api.check('post', '/api/admin/users', await post('/api/admin/users', undefined, {}));
    api.check('get', '/api/admin/users', await get(`/api/admin/users?email=${encodeURIComponent(created.body.data.email)}`, adminAuth));
    api.check('get', '/api/admin/users', await get('/api/admin/users?limit=2', adminAuth));
    api.check('get', '/api/admin/users', await get('/api/admin/users?bogus=1', adminAuth));
    api.check('get', '/api/admin/users/{id}', await get(`/api/admin/users/${buyer.id}`, adminAuth));
    api.check('get', '/api/admin/users/{id}', await get(`/api/admin/users/${none}`, adminAuth));
    api.check('get', '/api/admin/users/{id}', await get('/api/admin/users/zz', adminAuth));
    api.check('post', '/api/admin/users/{id}/token', await post(`/api/admin/users/${buyer.id}/token`, adminAuth));
    api.check('post', '/api/admin/users/{id}/token', await post(`/api/admin/users/${none}/token`, adminAuth));
    api.check('post', '/api/admin/users/{id}/wallet', await post(`/api/admin/users/${buyer.id}/wallet`, adminAuth, { amount: 10 }));
    api.check('post', '/api/admin/users/{id}/wallet', await post(`/api/admin/users/${buyer.id}/wallet`, adminAuth, { amount: -1 }));
    api.check('post', '/api/admin/users/{id}/wallet', await post(`/api/admin/users/${buyer.id}/wallet`, adminAuth, { amount: Number.MAX_SAFE_INTEGER }));
    api.check('post', '/api/admin/users/{id}/wallet', await post(`/api/admin/users/${buyer.id}/wallet`, adminAuth, { amount: 7, reason: 'oa' }).set('Idempotency-Key', 'oa-credit-1'));
    api.check('post', '/api/admin/users/{id}/wallet', await post(`/api/admin/users/${buyer.id}/wallet`, adminAuth, { amount: 8 }).set('Idempotency-Key', 'oa-credit-1'));
  });

  it('admin catalogue and pools', async function () {
    api.check('post', '/api/admin/products', await post('/api/admin/products', adminAuth, { sku: `OA-${Date.now()}`, name: 'New', price: 10 }));
    api.check('post', '/api/admin/products', await post('/api/admin/products', adminAuth, { sku: 'OA-ITEM', name: 'OA item', price: 1000 }));
    api.check('post', '/api/admin/products', await post('/api/admin/products', adminAuth, { sku: 'OA-ITEM', price: 1.5 }));
    api.check('get', '/api/admin/products', await get('/api/admin/products?active=true&limit=1', adminAuth));
    api.check('get', '/api/admin/products', await get('/api/admin/products?limit=0', adminAuth));
    api.check('get', '/api/admin/pools', await get('/api/admin/pools', adminAuth));
    api.check('get', '/api/admin/pools', await get('/api/admin/pools'));
  });

  it('admin purchases: detail, lists, stats and the retry', async function () {
    api.check('get', '/api/admin/purchases', await get('/api/admin/purchases?status=failed&olderThanMinutes=0', adminAuth));
    api.check('get', '/api/admin/purchases', await get('/api/admin/purchases?limit=1', adminAuth));
    api.check('get', '/api/admin/purchases', await get('/api/admin/purchases?status=nope', adminAuth));
    api.check('get', '/api/admin/purchases/stats', await get('/api/admin/purchases/stats', adminAuth));
    api.check('get', '/api/admin/purchases/stats', await get('/api/admin/purchases/stats?windowMinutes=x', adminAuth));
    const failed = api.check('get', '/api/admin/purchases/{id}', await get(`/api/admin/purchases/${failedId}`, adminAuth));
    expect(failed.body.data.jobs[0].state).to.equal('failed');
    api.check('get', '/api/admin/purchases/{id}', await get(`/api/admin/purchases/${paidId}`, adminAuth));
    api.check('get', '/api/admin/purchases/{id}', await get(`/api/admin/purchases/${none}`, adminAuth));
    api.check('get', '/api/admin/purchases/{id}', await get('/api/admin/purchases/bad', adminAuth));
    const retried = api.check('post', '/api/admin/purchases/{id}/rewards/retry', await post(`/api/admin/purchases/${failedId}/rewards/retry`, adminAuth));
    expect(retried.status).to.equal(202);
    api.check('post', '/api/admin/purchases/{id}/rewards/retry', await post(`/api/admin/purchases/${paidId}/rewards/retry`, adminAuth));
    api.check('post', '/api/admin/purchases/{id}/rewards/retry', await post(`/api/admin/purchases/${none}/rewards/retry`, adminAuth));
    api.check('post', '/api/admin/purchases/{id}/rewards/retry', await post(`/api/admin/purchases/${paidId}/rewards/retry`));
  });

  it('customer account, cart, checkout and read APIs', async function () {
    const me = buyer.auth;
    api.check('get', '/api/me', await get('/api/me', me));
    api.check('get', '/api/me', await get('/api/me'));
    api.check('get', '/api/cart', await get('/api/cart', me));
    api.check('post', '/api/cart/items', await post('/api/cart/items', me, { sku: 'OA-ITEM', quantity: 1 }));
    api.check('post', '/api/cart/items', await post('/api/cart/items', me, { sku: 'OA-NONE', quantity: 1 }));
    api.check('post', '/api/cart/items', await post('/api/cart/items', me, { sku: 'OA-ITEM', quantity: 0 }));
    api.check('delete', '/api/cart/items/{sku}', await sys.http.delete('/api/cart/items/OA-NONE').set('Authorization', me));
    api.check('post', '/api/checkout', await post('/api/checkout', me).set('Idempotency-Key', 'oa-1'));
    api.check('post', '/api/checkout', await post('/api/checkout', me).set('Idempotency-Key', 'oa-1'));
    api.check('post', '/api/checkout', await post('/api/checkout', me)); // the cart is empty now
    api.check('post', '/api/checkout', await post('/api/checkout', me, { total: 1 }));
    const poor = await shop.customer({ walletBalance: 1 });
    await shop.addToCart(poor, 'OA-ITEM', 1);
    api.check('post', '/api/checkout', await post('/api/checkout', poor.auth));
    api.check('delete', '/api/cart/items/{sku}', await sys.http.delete('/api/cart/items/OA-ITEM').set('Authorization', poor.auth));
    api.check('get', '/api/transactions/{id}', await get(`/api/transactions/${paidId}`, me));
    api.check('get', '/api/transactions/{id}', await get(`/api/transactions/${none}`, me));
    api.check('get', '/api/purchases', await get('/api/purchases?limit=1', me));
    api.check('get', '/api/purchases', await get('/api/purchases?x=1', me));
    api.check('get', '/api/rewards', await get('/api/rewards', referrer.auth));
    api.check('get', '/api/rewards', await get('/api/rewards'));
    api.check('get', '/api/referrals', await get('/api/referrals', referrer.auth));
    api.check('get', '/api/referrals', await get('/api/referrals?cursor=abc', referrer.auth));
    api.check('get', '/api/products', await get('/api/products', me));
    api.check('get', '/api/products', await get('/api/products?limit=500', me));
  });

  it('refunds, and what the customer and operators then see', async function () {
    const refunded = api.check('post', '/api/admin/purchases/{id}/refund', await post(`/api/admin/purchases/${paidId}/refund`, adminAuth, { reason: 'returned' }));
    expect(refunded.body.data.rewardsStatus).to.equal('reversing');
    api.check('post', '/api/admin/purchases/{id}/refund', await post(`/api/admin/purchases/${paidId}/refund`, adminAuth));
    api.check('post', '/api/admin/purchases/{id}/refund', await post(`/api/admin/purchases/${none}/refund`, adminAuth));
    api.check('post', '/api/admin/purchases/{id}/refund', await post('/api/admin/purchases/bad/refund', adminAuth, { extra: 1 }));
    api.check('post', '/api/admin/purchases/{id}/refund', await post(`/api/admin/purchases/${paidId}/refund`));
    // Another refund of this purchase has written its refund entry and not yet marked the purchase.
    const racing = await shop.customer({ walletBalance: 1000 });
    await shop.addToCart(racing, 'OA-ITEM', 1);
    const racedId = (await shop.checkout(racing)).body.data.transactionId as string;
    await sys.ctx.database.models.Ledger.create({ type: 'refund', entryKey: `refund:${racedId}`, user: racing.id, amount: 1000, purchase: racedId });
    const inProgress = api.check('post', '/api/admin/purchases/{id}/refund', await post(`/api/admin/purchases/${racedId}/refund`, adminAuth));
    expect(inProgress.status).to.equal(409);
    expect(inProgress.body.error).to.deep.equal({ code: 'CONFLICT', message: 'A refund of this purchase is in progress; retry shortly' });
    const documented = (openApiDocument.paths['/api/admin/purchases/{id}/refund']?.post?.responses['409'] as { description?: string } | undefined)?.description;
    expect(documented, 'the 409 the refund answers is described').to.contain(inProgress.body.error.message);
    await waitFor(async () => ((await sys.ctx.database.models.Ledger.findById(paidId).lean())?.rewards?.status === 'reversed' ? true : undefined));
    api.check('get', '/api/transactions/{id}', await get(`/api/transactions/${paidId}`, buyer.auth));
    api.check('get', '/api/purchases', await get('/api/purchases', buyer.auth));
    const statement = api.check('get', '/api/rewards', await get('/api/rewards', referrer.auth));
    expect(statement.body.data.items.map((c: { type: string }) => c.type)).to.include('reversal');
    api.check('get', '/api/admin/purchases/{id}', await get(`/api/admin/purchases/${paidId}`, adminAuth));
    api.check('get', '/api/admin/pools', await get('/api/admin/pools', adminAuth));
    api.check('get', '/api/admin/purchases/stats', await get('/api/admin/purchases/stats', adminAuth));
  });

  it('wallet statements and the books audit', async function () {
    const own = api.check('get', '/api/wallet', await get('/api/wallet?limit=3', buyer.auth));
    expect(own.body.data.items[0].balanceAfter).to.equal(own.body.data.walletBalance);
    api.check('get', '/api/wallet', await get('/api/wallet?limit=0', buyer.auth));
    api.check('get', '/api/wallet', await get('/api/wallet'));
    api.check('get', '/api/admin/users/{id}/wallet', await get(`/api/admin/users/${buyer.id}/wallet`, adminAuth));
    api.check('get', '/api/admin/users/{id}/wallet', await get(`/api/admin/users/${none}/wallet`, adminAuth));
    api.check('get', '/api/admin/users/{id}/wallet', await get(`/api/admin/users/${buyer.id}/wallet?cursor=!`, adminAuth));

    api.check('get', '/api/admin/audit', await get('/api/admin/audit', adminAuth));
    const started = api.check('post', '/api/admin/audit', await post('/api/admin/audit', adminAuth));
    expect(started.status).to.equal(202);
    api.check('post', '/api/admin/audit', await post('/api/admin/audit', adminAuth, { when: 'now' }));
    api.check('post', '/api/admin/audit', await post('/api/admin/audit'));
    const done = await waitFor(async () => {
      const res = await get('/api/admin/audit', adminAuth);
      return res.body.data.last?.trigger === 'admin' ? res : undefined;
    }, 30_000);
    api.check('get', '/api/admin/audit', done);
    api.check('get', '/api/admin/audit', await get('/api/admin/audit'));
  });

  it('every documented operation was exercised', function () {
    expect(api.unexercised()).to.deep.equal([]);
  });

  it('/docs is a browsable page whose scripts and styles are served here, not from a CDN', async function () {
    const page = await get('/docs/');
    expect(page.status).to.equal(200);
    expect(page.type).to.equal('text/html');
    const assets = [...page.text.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(assets.filter((a) => /^(https?:)?\/\//.test(a)), 'no external asset').to.deep.equal([]);
    expect(assets.some((a) => a.endsWith('.js'))).to.equal(true);
    for (const asset of assets) {
      const res = await get(`/docs/${asset.replace(/^\.\//, '')}`);
      expect(res.status, asset).to.equal(200);
    }
    const init = await get('/docs/swagger-ui-init.js');
    expect(init.text).to.contain('"openapi": "3.1.0"');
  });
});
