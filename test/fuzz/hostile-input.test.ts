import { expect } from 'chai';
import fc from 'fast-check';
import { SignJWT, type JWTPayload } from 'jose';
import { JOBS_COLLECTION } from '../../src/infra/queue/agenda.js';
import { Shop } from '../support/shop.js';
import { ADMIN, adminAuth, startTestSystem, type TestSystem } from '../support/system.js';
import { databaseDigest } from './support/db-digest.js';
import { endpoints, type Endpoint } from './support/endpoints.js';
import { hostileRequests, type Credentials, type HostileRequest } from './support/hostile-requests.js';
import { closeConnections, send, type Answer } from './support/send.js';

const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
/** Cases per endpoint; the default keeps the suite well under a minute on FerretDB. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 200);

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Customer tokens an attacker could come up with: forged, unsigned, expired, unbounded, for someone else. */
async function hostileCredentials(secret: string, customerId: string, customerToken: string): Promise<Pick<Credentials, 'hostileCustomer' | 'hostileAdmin'>> {
  const key = new TextEncoder().encode(secret);
  const sign = (claims: JWTPayload, { alg = 'HS256', signKey = key, exp = '1h' as string | number | null } = {}) => {
    const jwt = new SignJWT({ iss: 'checkout-rewards', aud: 'customer', sub: customerId, ...claims }).setProtectedHeader({ alg }).setIssuedAt();
    return (exp === null ? jwt : jwt.setExpirationTime(exp)).sign(signKey);
  };
  const [, payload, signature] = customerToken.split('.');
  const tokens = [
    await sign({}, { signKey: new TextEncoder().encode('another-secret-that-is-long-enough-0123456789') }),
    await sign({}, { exp: Math.floor(Date.now() / 1000) - 60 }),
    await sign({}, { exp: null }),
    await sign({}, { alg: 'HS512' }),
    await sign({ iss: 'someone-else' }),
    await sign({ aud: 'admin' }),
    await sign({ sub: 'not-an-object-id' }),
    await sign({ sub: { $gt: '' } as unknown as string }),
    await sign({ sub: 'bbbbbbbbbbbbbbbbbbbbbbbb' }), // well signed, for a user that does not exist
    `${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    `${b64({ alg: 'none', typ: 'JWT' })}.${payload}`,
    `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: 'bbbbbbbbbbbbbbbbbbbbbbbb', exp: 9999999999 })}.${signature}`,
    `${customerToken}x`,
    'a.b.c',
    'x'.repeat(4000),
  ];
  const hostileCustomer = [...tokens.map((t) => `Bearer ${t}`), 'Bearer', 'Bearer ', `Token ${customerToken}`, `Bearer ${customerToken} extra`, adminAuth, basic(customerId, customerToken), `Bearer {"$gt":""}`];
  const hostileAdmin = [
    basic(ADMIN.username, `${ADMIN.password}x`),
    basic('root', ADMIN.password),
    basic(ADMIN.username, ''),
    `Basic ${b64(ADMIN.username)}`,
    'Basic',
    'Basic !!!',
    `Bearer ${customerToken}`,
    `Digest username="${ADMIN.username}"`,
    basic(`${ADMIN.username}\u0000`, ADMIN.password),
  ];
  return { hostileCustomer, hostileAdmin };
}

/** docs/spec.md §4: every error is {success:false, error:{code, message, details?}}, nothing else. */
function expectSpecError(answer: Answer, where: string) {
  expect(answer.headers['content-type'], where).to.match(/^application\/json/);
  const body = JSON.parse(answer.text) as Record<string, unknown>;
  expect(Object.keys(body).sort(), where).to.deep.equal(['error', 'success']);
  expect(body.success, where).to.equal(false);
  const error = body.error as Record<string, unknown>;
  expect(Object.keys(error).filter((k) => !['code', 'message', 'details'].includes(k)), where).to.deep.equal([]);
  expect(error.code, where).to.be.a('string').and.match(/^[A-Z_]+$/);
  expect(error.message, where).to.be.a('string');
}

describe('hostile input (property-based, every endpoint)', function () {
  let sys: TestSystem;
  let creds: Credentials;
  let list: Endpoint[];
  let initial: Record<string, string>;
  const statuses = new Map<number, number>();
  const mutations = new Map<string, number>();
  let cases = 0;

  before(async function () {
    sys = await startTestSystem();
    const shop = new Shop(sys);
    await shop.product('FUZZ-ITEM', 500);
    // An empty wallet and a cart: a checkout that gets past validation is refused with 402.
    const customer = await shop.customer({ walletBalance: 0 });
    await shop.addToCart(customer, 'FUZZ-ITEM', 1);
    const job = await sys.ctx.agenda.schedule('in 1 year', 'fuzz-existing-job', { note: 'must stay as it is' });
    list = endpoints({ customerId: customer.id, cartSku: 'FUZZ-ITEM', missingJobId: 'aaaaaaaaaaaaaaaaaaaaaaaa' });
    expect(String(job.attrs._id)).to.not.equal('aaaaaaaaaaaaaaaaaaaaaaaa');
    creds = { customer: customer.auth, admin: adminAuth, ...(await hostileCredentials(sys.ctx.config.token.secret, customer.id, customer.token)) };
    initial = await databaseDigest(sys.ctx.database.db, JOBS_COLLECTION);
    console.log(`      fuzz seed ${SEED} (replay with FUZZ_SEED=${SEED}), ${RUNS} cases per endpoint (FUZZ_RUNS), ${list.length} endpoints`);
  });
  after(async function () {
    closeConnections();
    if (cases > 0) {
      const histogram = [...statuses].sort(([a], [b]) => a - b).map(([s, n]) => `${s}×${n}`).join(' ');
      console.log(`      ${cases} hostile requests; statuses ${histogram}`);
      console.log(`      mutations ${[...mutations].map(([m, n]) => `${m}×${n}`).join(' ')}`);
    }
    await sys?.shutdown();
  });

  const check = (request: HostileRequest, answer: Answer) => {
    cases += 1;
    statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
    mutations.set(request.mutation, (mutations.get(request.mutation) ?? 0) + 1);
    const where = `${request.mutation}: ${request.method} ${request.path.slice(0, 160)} [${JSON.stringify(request.headers).slice(0, 200)}] ${String(request.body).slice(0, 160)}${request.padBytes ? ` +${request.padBytes} B pad${request.chunked ? ', chunked' : ''}` : ''} → ${answer.status} ${answer.text.slice(0, 300)}`;
    expect(answer.status, where).to.be.below(500);
    expect(answer.headers['x-content-type-options'], where).to.equal('nosniff');
    // Every request below is broken in some way: one that could change something must be refused.
    if (request.method !== 'GET') expect(answer.status, where).to.be.at.least(400);
    if (answer.status >= 400) expectSpecError(answer, where);
  };

  // The fixture (ids) exists only after `before`; mocha needs the tests' names now.
  endpoints({ customerId: '', cartSku: '', missingJobId: '' }).forEach(({ method, path }, i) => {
    it(`${method} ${path}: never a 5xx, errors as docs/spec.md §4, every change refused`, async function () {
      const endpoint = list[i]!;
      this.timeout(Math.max(60_000, RUNS * 500));
      const property = fc.asyncProperty(hostileRequests(endpoint, creds, sys.ctx.config.bodyLimitBytes), async (request) => {
        check(request, await send(sys.url!, request));
      });
      await fc.assert(property, { seed: SEED + i, numRuns: RUNS });
    });
  });

  it('left the database exactly as it was (the jobs collection but for its timestamps)', async function () {
    const now = await databaseDigest(sys.ctx.database.db, JOBS_COLLECTION);
    const names = [...new Set([...Object.keys(initial), ...Object.keys(now)])].sort();
    const changed = names.filter((n) => initial[n] !== now[n]).map((n) => `${n}: ${initial[n] ?? 'absent'} → ${now[n] ?? 'absent'}`);
    expect(changed, 'collections changed by the hostile requests').to.deep.equal([]);
  });
});
