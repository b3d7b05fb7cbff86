import type { FieldKind } from './hostile-values.js';

export type Auth = 'customer' | 'admin' | 'none';

export interface Endpoint {
  method: 'GET' | 'POST' | 'DELETE';
  /** With `:name` placeholders, filled from `params`. */
  path: string;
  auth: Auth;
  /** Path parameters: their valid value in this suite's shop, and their kind. */
  params?: Record<string, { valid: string; field: FieldKind }>;
  /** A body the endpoint accepts, and the kind of each field it validates. */
  body?: { valid: Record<string, unknown>; fields: Record<string, FieldKind> };
  /** The only mutations that may be applied (default: every one that fits the endpoint). */
  only?: string[];
}

export interface Fixture {
  customerId: string;
  cartSku: string;
  missingJobId: string;
}

const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/**
 * Every route of src/**\/routes.ts and of Agendash's API, with a valid request for each. The fuzz
 * always breaks such a request in at least one way, so nothing it sends may change the database.
 */
export function endpoints(f: Fixture): Endpoint[] {
  const userId = { id: { valid: f.customerId, field: { kind: 'objectId' } as const } };
  const jobIds = { valid: { jobIds: [f.missingJobId] }, fields: { jobIds: { kind: 'jobIds' } as const } };
  return [
    { method: 'GET', path: '/health', auth: 'none' },
    { method: 'GET', path: '/ready', auth: 'none' },
    { method: 'GET', path: '/metrics', auth: 'none' },
    {
      method: 'POST',
      path: '/api/admin/users',
      auth: 'admin',
      body: {
        valid: { name: 'Fuzz', email: 'fuzz-created@example.test', walletBalance: 5 },
        fields: {
          name: { kind: 'text', max: 200 },
          email: { kind: 'email' },
          referrerId: { kind: 'objectId' },
          level: { kind: 'level' },
          isActive: { kind: 'bool' },
          isVerified: { kind: 'bool' },
          walletBalance: { kind: 'int', min: 0, max: MAX_SAFE },
        },
      },
    },
    { method: 'POST', path: '/api/admin/users/:id/token', auth: 'admin', params: userId },
    {
      method: 'POST',
      path: '/api/admin/users/:id/wallet',
      auth: 'admin',
      params: userId,
      body: { valid: { amount: 5, reason: 'fuzz' }, fields: { amount: { kind: 'int', min: 1, max: 1e12 }, reason: { kind: 'text', max: 500 } } },
    },
    { method: 'GET', path: '/api/admin/users/:id/wallet', auth: 'admin', params: userId },
    { method: 'GET', path: '/api/admin/audit', auth: 'admin' },
    // Every request the fuzz sends is broken (no body variant is valid here): none may queue an audit.
    { method: 'POST', path: '/api/admin/audit', auth: 'admin' },
    { method: 'GET', path: '/api/wallet', auth: 'customer' },
    {
      method: 'POST',
      path: '/api/admin/products',
      auth: 'admin',
      body: {
        valid: { sku: 'FUZZ-CREATED', name: 'Fuzz', price: 5 },
        fields: { sku: { kind: 'sku' }, name: { kind: 'text', max: 200 }, price: { kind: 'int', min: 1, max: 1e9 }, active: { kind: 'bool' } },
      },
    },
    {
      // A purchase that does not exist: even a request the fuzz failed to break changes nothing.
      method: 'POST',
      path: '/api/admin/purchases/:id/refund',
      auth: 'admin',
      params: { id: { valid: f.missingJobId, field: { kind: 'objectId' } } },
      body: { valid: { reason: 'fuzz' }, fields: { reason: { kind: 'text', max: 500 } } },
    },
    { method: 'GET', path: '/api/admin/pools', auth: 'admin' },
    { method: 'GET', path: '/api/me', auth: 'customer' },
    { method: 'GET', path: '/api/cart', auth: 'customer' },
    { method: 'POST', path: '/api/cart/items', auth: 'customer', body: { valid: { sku: f.cartSku, quantity: 1 }, fields: { sku: { kind: 'sku' }, quantity: { kind: 'int', min: 1, max: 1000 } } } },
    { method: 'DELETE', path: '/api/cart/items/:sku', auth: 'customer', params: { sku: { valid: f.cartSku, field: { kind: 'sku' } } } },
    // The fuzz customer has a cart and an empty wallet: a checkout that passes validation is a 402.
    { method: 'POST', path: '/api/checkout', auth: 'customer', body: { valid: {}, fields: { cartVersion: { kind: 'int', min: 0, max: MAX_SAFE } } } },
    { method: 'GET', path: '/api/transactions/:id', auth: 'customer', params: userId },
    { method: 'GET', path: '/admin/jobs/api', auth: 'admin' },
    { method: 'GET', path: '/admin/jobs/api/logs', auth: 'admin' },
    { method: 'GET', path: '/admin/jobs/api/stats', auth: 'admin' },
    // Without a notification channel (FerretDB) Agendash answers 501 "not available" here, and with
    // one it is an endless event stream: neither answers input, so only refused requests are sent.
    { method: 'GET', path: '/admin/jobs/api/events', auth: 'admin', only: ['query', 'auth'] },
    { method: 'GET', path: '/admin/jobs/:asset', auth: 'admin', params: { asset: { valid: 'index.html', field: { kind: 'sku' } } } },
    {
      method: 'POST',
      path: '/admin/jobs/api/jobs/create',
      auth: 'admin',
      body: { valid: { jobName: 'fuzz-never-created' }, fields: { jobName: { kind: 'text', max: 200 } } },
    },
    ...['requeue', 'retry', 'delete', 'pause', 'resume'].map((verb): Endpoint => ({ method: 'POST', path: `/admin/jobs/api/jobs/${verb}`, auth: 'admin', body: jobIds })),
  ];
}
