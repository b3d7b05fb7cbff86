import { admin, anyone, body, customer, error, errors, ok, paging, pathId, query, ref, type Operation } from './operations.js';

const level = ref('Level');
const money = { type: 'integer', minimum: 1 };
const list = [400, 401];
const idempotencyKeyHeader = { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{1,128}$' } };

/** Every route of the service, by path and method. */
export const paths: Record<string, Record<string, Operation>> = {
  '/health': { get: { summary: 'Liveness', tags: ['operations'], security: anyone, responses: { 200: ok('Health') } } },
  '/ready': {
    get: {
      summary: 'Readiness: started, and the database had a usable primary within the grace window (30 s); for operators, names the server and whether it has transactions',
      description:
        'On the public port with PUBLIC_METRICS=false (the default in production) only `status`; the detail is on METRICS_PORT and on a worker\'s WORKER_HTTP_PORT.',
      tags: ['operations'],
      security: anyone,
      responses: {
        200: { description: 'Ready', content: { 'application/json': { schema: { type: 'object', properties: { success: { const: true }, data: ref('Readiness') } } } } },
        503: { description: 'Not ready', content: { 'application/json': { schema: { type: 'object', properties: { success: { const: false }, data: ref('Readiness') } } } } },
      },
    },
  },
  '/metrics': {
    get: {
      summary: 'Prometheus metrics',
      description: 'On METRICS_PORT and a worker\'s WORKER_HTTP_PORT; on the public port only with PUBLIC_METRICS (the default outside production).',
      tags: ['operations'],
      security: anyone,
      responses: { 200: { description: 'Prometheus text format', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  },
  '/openapi.json': {
    get: { summary: 'This document', tags: ['operations'], security: anyone, responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } } } },
  },
  '/admin/jobs/api': {
    get: {
      summary: "Agendash's job list",
      description:
        "Agendash's own API (the dashboard at /admin/jobs). Its Property/Value filter works here: `property=data.transactionId` with the id in `q` (or `value`), or a bare 24-hex id in `q`, lists that purchase's jobs.",
      tags: ['admin: jobs'],
      security: admin,
      parameters: [query('job', { type: 'string' }), query('state', { type: 'string' }), query('property', { type: 'string' }), query('q', { type: 'string' }), query('value', { type: 'string' }), query('skip', { type: 'integer' }), query('limit', { type: 'integer' })],
      responses: { 200: { description: "Agendash's list", content: { 'application/json': { schema: ref('AgendashList') } } }, ...errors(401) },
    },
  },

  '/api/admin/users': {
    post: {
      summary: 'Create a customer',
      tags: ['admin: users'],
      security: admin,
      requestBody: body(
        { name: { type: 'string' }, email: { type: 'string', format: 'email' }, referrerId: { type: ['string', 'null'] }, level: { anyOf: [level, { type: 'null' }] }, isActive: { type: 'boolean' }, isVerified: { type: 'boolean' }, walletBalance: { type: 'integer', minimum: 0 } },
        ['name', 'email'],
      ),
      responses: { 201: ok('User', 'Created'), ...errors(400, 401, 404, 409, 413, 415) },
    },
    get: {
      summary: 'Find users: by email, or all, newest first',
      tags: ['admin: users'],
      security: admin,
      parameters: [query('email', { type: 'string', format: 'email' }), ...paging],
      responses: { 200: ok('UserPage'), ...errors(...list) },
    },
  },
  '/api/admin/users/{id}': {
    get: { summary: 'A user: wallet, points from the ledger, level, spend', tags: ['admin: users'], security: admin, parameters: [pathId()], responses: { 200: ok('User'), ...errors(400, 401, 404) } },
  },
  '/api/admin/users/{id}/token': {
    post: { summary: 'Issue a customer bearer token', tags: ['admin: users'], security: admin, parameters: [pathId()], responses: { 201: ok('IssuedToken', 'Created'), ...errors(400, 401, 404) } },
  },
  '/api/admin/users/{id}/wallet': {
    post: {
      summary: 'Credit a wallet: the balance and its journal entry (who, why), in one unit of work',
      description:
        'Honours `Idempotency-Key`: the same key again answers as the first credit and changes nothing; the same key for another user or amount is refused (409 IDEMPOTENCY_KEY_REUSED). A key is kept for good: it is the credit entry\'s unique key.',
      tags: ['admin: users'],
      security: admin,
      parameters: [pathId(), idempotencyKeyHeader],
      requestBody: body({ amount: money, reason: { type: 'string', minLength: 1, maxLength: 500 } }, ['amount']),
      responses: { 200: ok('Wallet'), ...errors(400, 401, 404, 409, 413, 415, 503) },
    },
    get: {
      summary: "A wallet's statement: its entries newest first, each with the running balance, and who credited",
      tags: ['admin: users'],
      security: admin,
      parameters: [pathId(), ...paging],
      responses: { 200: ok('WalletStatement'), ...errors(400, 401, 404) },
    },
  },
  '/api/admin/products': {
    post: {
      summary: 'Create (201) or update (200) a product by sku',
      tags: ['admin: catalogue'],
      security: admin,
      requestBody: body({ sku: { type: 'string' }, name: { type: 'string' }, price: money, active: { type: 'boolean' } }, ['sku', 'name', 'price']),
      responses: { 200: ok('Product', 'Updated'), 201: ok('Product', 'Created'), ...errors(400, 401) },
    },
    get: { summary: 'Every product, active or not, newest first', tags: ['admin: catalogue'], security: admin, parameters: [query('active', { type: 'boolean' }), ...paging], responses: { 200: ok('ProductPage'), ...errors(...list) } },
  },
  '/api/admin/pools': {
    get: { summary: 'Totals of app revenue, gifts pool and rewards paid, from the ledger', tags: ['admin: rewards'], security: admin, responses: { 200: ok('Pools'), ...errors(401) } },
  },
  '/api/admin/audit': {
    get: {
      summary: "The books audit's last report, and a run in progress",
      description: 'docs/money-and-books.md: what the audit proves and what to do with a finding.',
      tags: ['admin: books'],
      security: admin,
      responses: { 200: ok('AuditState'), ...errors(401) },
    },
    post: {
      summary: 'Start a books audit (on a worker); poll GET for its report',
      tags: ['admin: books'],
      security: admin,
      responses: { 202: ok('AuditStarted', 'Accepted: queued, or one is running already'), ...errors(400, 401, 413, 415) },
    },
  },
  '/api/admin/purchases': {
    get: {
      summary: 'Purchases by rewards status and age, newest first',
      tags: ['admin: purchases'],
      security: admin,
      parameters: [query('status', ref('RewardStatus')), query('olderThanMinutes', { type: 'integer', minimum: 0 }, 'Only purchases created at least this long ago'), query('userId', { type: 'string' }), ...paging],
      responses: { 200: ok('PurchaseSummaryPage'), ...errors(...list) },
    },
  },
  '/api/admin/purchases/stats': {
    get: {
      summary: 'Purchases by status; p50/p95 of completedAt − createdAt for those completed in the window',
      tags: ['admin: purchases'],
      security: admin,
      parameters: [query('windowMinutes', { type: 'integer', minimum: 1, default: 60 })],
      responses: { 200: ok('ProcessingStats'), ...errors(...list) },
    },
  },
  '/api/admin/purchases/{id}': {
    get: {
      summary: 'What happened to a purchase: its rewards, attempts, last error and its job(s)',
      tags: ['admin: purchases'],
      security: admin,
      parameters: [pathId('The transaction id')],
      responses: { 200: ok('PurchaseDetail'), ...errors(400, 401, 404) },
    },
  },
  '/api/admin/purchases/{id}/refund': {
    post: {
      summary: 'Refund a purchase in full: wallet back, spend down, rewards cancelled or reversed',
      description:
        'Idempotent: a second refund changes nothing and answers `alreadyRefunded: true`. An `Idempotency-Key` used for another purchase is refused (409). Rewards not yet paid end `cancelled`; paid ones `reversing`, then `reversed` by a background job. ' +
        'A refund racing another refund of the same purchase answers 409 `CONFLICT` while the other is being written: retry, and it answers `alreadyRefunded: true`.',
      tags: ['admin: purchases'],
      security: admin,
      parameters: [pathId('The transaction id'), idempotencyKeyHeader],
      requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { reason: { type: 'string', minLength: 1, maxLength: 500 } } } } } },
      responses: {
        200: { description: 'Refunded (or already refunded)', content: { 'application/json': { schema: { type: 'object', additionalProperties: false, required: ['success', 'message', 'data'], properties: { success: { const: true }, message: { type: 'string' }, data: ref('Refund') } } } } },
        ...errors(400, 401, 404),
        ...error(
          409,
          '`IDEMPOTENCY_KEY_REUSED`: the `Idempotency-Key` was used to refund another purchase. ' +
            '`CONFLICT` "A refund of this purchase is in progress; retry shortly": another refund of the same purchase is being written; retried, the answer is `200` with `alreadyRefunded: true`. ' +
            '`AMOUNT_OUT_OF_RANGE`: crediting the total back would take the wallet past the largest exact integer. Nothing changed in every case.',
        ),
        ...errors(413, 415, 503),
      },
    },
  },
  '/api/admin/purchases/{id}/rewards/retry': {
    post: {
      summary: "Make a purchase's rewards run again, never with a second live job",
      description: 'A failed purchase goes back to `pending` and its failed job is made due again (the same job, its failures reset); a purchase with no job gets one; a purchase whose job will run anyway is left alone (`waiting`).',
      tags: ['admin: purchases'],
      security: admin,
      parameters: [pathId('The transaction id')],
      responses: { 202: ok('RetryResult', 'Accepted: the job will run'), ...errors(400, 401, 404, 409) },
    },
  },

  '/api/me': { get: { summary: 'Wallet, reward points, level, lifetime spend', tags: ['customer'], security: customer, responses: { 200: ok('Me'), ...errors(401, 404) } } },
  '/api/cart': { get: { summary: 'The cart, priced from the catalogue', tags: ['customer'], security: customer, responses: { 200: ok('Cart'), ...errors(401, 404) } } },
  '/api/cart/items': {
    post: {
      summary: 'Add a product to the cart',
      tags: ['customer'],
      security: customer,
      requestBody: body({ sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } }, ['sku', 'quantity']),
      responses: { 200: ok('Cart'), ...errors(400, 401, 404, 409, 413, 415) },
    },
  },
  '/api/cart/items/{sku}': {
    delete: {
      summary: 'Remove a line from the cart',
      tags: ['customer'],
      security: customer,
      parameters: [{ name: 'sku', in: 'path', required: true, schema: { type: 'string' } }],
      responses: { 200: ok('Cart'), ...errors(400, 401, 404) },
    },
  },
  '/api/checkout': {
    post: {
      summary: 'Pay for the cart from the wallet',
      tags: ['customer'],
      security: customer,
      parameters: [idempotencyKeyHeader],
      requestBody: { required: false, content: { 'application/json': { schema: { type: 'object', additionalProperties: false, properties: { cartVersion: { type: 'integer', minimum: 0 } } } } } },
      responses: { 200: { description: 'Paid; the rewards are processed in the background (`rewards.status` is `processing`, as the original API said)', content: { 'application/json': { schema: ref('Checkout') } } }, ...errors(400, 401, 402, 404, 409, 413, 415, 503) },
    },
  },
  '/api/transactions/{id}': {
    get: { summary: 'One of my purchases with its rewards and distribution', tags: ['customer'], security: customer, parameters: [pathId()], responses: { 200: ok('Transaction'), ...errors(400, 401, 404) } },
  },
  '/api/purchases': {
    get: { summary: 'My purchase history, newest first', tags: ['customer'], security: customer, parameters: paging, responses: { 200: ok('CustomerPurchasePage'), ...errors(...list) } },
  },
  '/api/rewards': {
    get: { summary: 'My reward statement: every credit, and the total', tags: ['customer'], security: customer, parameters: paging, responses: { 200: ok('RewardStatement'), ...errors(...list) } },
  },
  '/api/wallet': {
    get: { summary: 'My wallet statement: credits, purchases and refunds, newest first, each with the running balance', tags: ['customer'], security: customer, parameters: paging, responses: { 200: ok('WalletStatement'), ...errors(...list) } },
  },
  '/api/referrals': {
    get: { summary: 'My direct referrals, and the size of my downline', tags: ['customer'], security: customer, parameters: paging, responses: { 200: ok('Referrals'), ...errors(...list) } },
  },
  '/api/products': {
    get: { summary: 'The active catalogue, newest first', tags: ['customer'], security: customer, parameters: paging, responses: { 200: ok('ProductPage'), ...errors(...list) } },
  },
};
