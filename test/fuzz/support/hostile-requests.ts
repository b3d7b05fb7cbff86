import fc from 'fast-check';
import type { Endpoint } from './endpoints.js';
import { hostileQuery, hostileValue, malformedJson, nonObjectJson, operator, prototypeObject, wrongContentType } from './hostile-values.js';

export interface HostileRequest {
  mutation: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
  /** Padding added to the JSON body when sent (kept out of the request so a failure report stays short). */
  padBytes?: number;
  /** Sent without Content-Length (chunked), so a size limit must count while reading. */
  chunked?: boolean;
}

export interface Credentials {
  customer: string;
  admin: string;
  hostileCustomer: string[];
  hostileAdmin: string[];
}

const UNKNOWN_KEYS = ['$where', '$set', '__proto__', 'constructor', 'prototype', 'price', 'total', 'isAdmin', 'user', 'walletBalance', 'jobName'];
const CROSS_SITE: Record<string, string>[] = [{ Origin: 'https://evil.example' }, { Origin: 'null' }, { 'Sec-Fetch-Site': 'cross-site' }, { 'Sec-Fetch-Site': 'same-site' }, { 'Sec-Fetch-Site': 'none' }];
const BAD_PERCENT = ['%', '%E0%A4%A', '%zz', '%00', '..%2F..%2Fpackage.json', '%2e%2e'];
const BAD_IDEMPOTENCY_KEY = fc.oneof(fc.constantFrom(' ', '{"$gt":""}', 'a b', 'x'.repeat(129), 'key/1', '$where'), fc.stringMatching(/^[!-~]{1,20}$/).filter((k) => !/^[A-Za-z0-9_.:-]{1,128}$/.test(k)));

/** Bodies are where most of the input is: break their fields more often than the rest. */
const WEIGHTS: Record<string, number> = { field: 4, 'unknown-key': 2, param: 2 };

/** Sets a key as an own enumerable property, also `__proto__`, so JSON.stringify writes it. */
function withKey(object: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  const copy = { ...object };
  Object.defineProperty(copy, key, { value, enumerable: true, configurable: true, writable: true });
  return copy;
}

const fillPath = (e: Endpoint, override: Record<string, string> = {}) =>
  e.path.replace(/:(\w+)/g, (_, name: string) => override[name] ?? encodeURIComponent(e.params![name]!.valid));

/**
 * Requests to one endpoint, each broken in at least one way that the service must refuse (so none
 * may change anything), sometimes with more hostile noise on top (a query string).
 */
export function hostileRequests(e: Endpoint, creds: Credentials, limitBytes: number): fc.Arbitrary<HostileRequest> {
  const validAuth = e.auth === 'customer' ? creds.customer : e.auth === 'admin' ? creds.admin : undefined;
  const json = (headers: Record<string, string> = {}) => ({ ...(validAuth ? { Authorization: validAuth } : {}), 'Content-Type': 'application/json', ...headers });
  /** The valid request, with `extra` replacing parts of it. */
  const base = (mutation: string, extra: Partial<HostileRequest> = {}): HostileRequest => ({
    mutation,
    method: e.method,
    path: fillPath(e),
    headers: e.body ? json() : validAuth ? { Authorization: validAuth } : {},
    body: e.body ? JSON.stringify(e.body.valid) : undefined,
    ...extra,
  });

  const mutations: Record<string, fc.Arbitrary<HostileRequest>> = {
    'malformed-json': malformedJson.map((body) => base('malformed-json', { body, headers: json() })),
    oversized: fc.tuple(fc.integer({ min: limitBytes + 1, max: limitBytes * 3 }), fc.boolean()).map(([padBytes, chunked]) =>
      base('oversized', { body: JSON.stringify(e.body?.valid ?? {}), padBytes, headers: json(), chunked }),
    ),
    'content-type': wrongContentType.map((type) => base('content-type', { body: JSON.stringify(e.body?.valid ?? {}), headers: json({ 'Content-Type': type }) })),
  };
  if (e.body) {
    const fields = Object.keys(e.body.fields);
    mutations.field = fc
      .constantFrom(...fields)
      .chain((name) => hostileValue(e.body!.fields[name]!).map((value) => withKey(e.body!.valid, name, value)))
      .map((body) => base('field', { body: JSON.stringify(body), headers: json() }));
    mutations['unknown-key'] = fc
      .tuple(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.constantFrom(...UNKNOWN_KEYS), fc.string({ minLength: 1, maxLength: 12 })), fc.oneof(operator, prototypeObject, fc.jsonValue({ maxDepth: 2 })))
      .filter(([key]) => !(key in e.body!.fields) || key === '__proto__')
      .map(([key, value]) => base('unknown-key', { body: JSON.stringify(withKey(e.body!.valid, key, value)), headers: json() }));
    mutations['non-object-json'] = nonObjectJson.map((body) => base('non-object-json', { body, headers: json() }));
  }
  if (e.auth !== 'none') {
    const hostile = e.auth === 'customer' ? creds.hostileCustomer : creds.hostileAdmin;
    mutations.auth = fc.option(fc.constantFrom(...hostile), { nil: undefined }).map((header) => {
      const request = base('auth');
      if (header === undefined) delete request.headers.Authorization;
      else request.headers.Authorization = header;
      return request;
    });
  }
  if (e.params) {
    const names = Object.keys(e.params);
    mutations.param = fc
      .constantFrom(...names)
      .chain((name) =>
        fc.oneof(
          hostileValue(e.params![name]!.field).map((v) => encodeURIComponent(typeof v === 'string' ? v : JSON.stringify(v))),
          fc.constantFrom(...BAD_PERCENT),
          fc.stringMatching(/^[0-9a-f]{24}$/), // well formed, but nothing has that id
        ).map((value) => ({ name, value })),
      )
      .filter(({ name, value }) => value !== '' && value !== encodeURIComponent(e.params![name]!.valid))
      .map(({ name, value }) => base('param', { path: fillPath(e, { [name]: value }) }));
  }
  if (e.method === 'GET') mutations.query = hostileQuery.map((query) => base('query', { path: `${fillPath(e)}?${query}` }));
  if (e.path.startsWith('/admin/jobs') && e.method === 'POST') {
    mutations['cross-site'] = fc.constantFrom(...CROSS_SITE).map((headers) => base('cross-site', { headers: json(headers) }));
  }
  if (e.path === '/api/checkout' || (e.method === 'POST' && e.path.endsWith('/wallet'))) mutations['idempotency-key'] = BAD_IDEMPOTENCY_KEY.map((key) => base('idempotency-key', { headers: json({ 'Idempotency-Key': key }) }));
  mutations.method = fc.constantFrom('PUT', 'PATCH').map((method) => base('method', { method }));

  const chosen = Object.entries(mutations).filter(([name]) => !e.only || e.only.includes(name));
  return fc
    .tuple(fc.oneof(...chosen.map(([name, arbitrary]) => ({ arbitrary, weight: WEIGHTS[name] ?? 1 }))), fc.option(hostileQuery, { freq: 4 }))
    .map(([request, noise]) => (noise && request.mutation !== 'query' ? { ...request, path: `${request.path}${request.path.includes('?') ? '&' : '?'}${noise}` } : request));
}
