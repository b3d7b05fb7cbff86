import fc from 'fast-check';

/** What a field is, so that a hostile value can be chosen that is certainly invalid for it. */
export type FieldKind =
  | { kind: 'text'; max: number }
  | { kind: 'email' }
  | { kind: 'objectId' }
  | { kind: 'level' }
  | { kind: 'bool' }
  | { kind: 'int'; min: number; max: number }
  | { kind: 'sku' }
  | { kind: 'jobIds' };

const json = (text: string) => JSON.parse(text) as unknown;

/** MongoDB operators, as a client would smuggle them in place of a value. */
export const operator = fc.constantFrom<unknown>(
  { $gt: '' },
  { $ne: null },
  { $where: 'sleep(1000)' },
  { $regex: '.*' },
  { $in: [] },
  { $exists: true },
  { $expr: { $eq: [1, 1] } },
  { $set: { walletBalance: 1e9 } },
);

/** Objects carrying prototype keys as own properties, exactly as JSON.parse makes them. */
export const prototypeObject = fc.constantFrom(
  '{"__proto__":{"isAdmin":true}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"prototype":{}}',
  '{"a":{"__proto__":null}}',
).map(json);

const smallString = fc.string({ maxLength: 24 });
const nonString = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null), operator, prototypeObject, fc.array(smallString, { maxLength: 3 }), fc.constant({}));
const nonNumber = fc.oneof(smallString, fc.constantFrom('1', '1e3', '-1', '0x10', 'NaN', 'Infinity', ''), fc.boolean(), fc.constant(null), operator, prototypeObject, fc.array(fc.integer(), { maxLength: 3 }), fc.constant({}));
const fraction = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e15, max: 1e15 }).filter((x) => !Number.isInteger(x));
const unsafe = fc.oneof(fc.integer({ min: 0, max: 1000 }).map((d) => 2 ** 53 + d * 2), fc.constantFrom(1e21, 1.7976931348623157e308, -(2 ** 60)));
const longString = (min: number) => fc.integer({ min: min + 1, max: min + 2000 }).map((n) => 'x'.repeat(n));
const notHex24 = smallString.filter((s) => !/^[0-9a-fA-F]{24}$/.test(s));
const SKU = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const badSku = fc.oneof(
  fc.constantFrom('', ' ', '$gt', '{"$ne":null}', '../etc/passwd', '-lead', '.dot', 'a b', 'é', 'x'.repeat(65), '__proto__', 'a/b', '%00'),
  fc.string({ maxLength: 80 }).filter((s) => !SKU.test(s)),
);

/** A value that the field's validation must refuse (never one it could accept). */
export function hostileValue(field: FieldKind): fc.Arbitrary<unknown> {
  switch (field.kind) {
    case 'text':
      return fc.oneof(nonString, fc.constantFrom('', '   ', '\t\n'), longString(field.max));
    case 'email':
      return fc.oneof(nonString, fc.constantFrom('', 'not-an-email', '@example.test', 'a@', 'a@@b.c', 'a b@c.d'), longString(254).map((s) => `${s}@example.test`));
    case 'objectId':
      return fc.oneof(nonString.filter((v) => v !== null), notHex24, fc.constantFrom('{"$gt":""}', '0'.repeat(25), 'g'.repeat(24)));
    case 'level':
      return fc.oneof(nonString.filter((v) => v !== null), fc.constantFrom('K', 'a', 'AA', '', 'j', ' A'));
    case 'bool':
      return fc.oneof(nonNumber.filter((v) => typeof v !== 'boolean'), fc.integer(), fc.constantFrom('true', 'false', 1, 0));
    case 'int':
      return fc.oneof(
        nonNumber,
        fraction,
        unsafe,
        fc.integer({ min: Number.MIN_SAFE_INTEGER, max: field.min - 1 }),
        field.max < Number.MAX_SAFE_INTEGER ? fc.integer({ min: field.max + 1, max: Number.MAX_SAFE_INTEGER }) : unsafe,
      );
    case 'sku':
      return fc.oneof(nonString, badSku);
    case 'jobIds':
      return fc.oneof(nonString.filter((v) => !Array.isArray(v)), fc.array(fc.oneof(notHex24, operator, fc.integer()), { minLength: 1, maxLength: 5 }), fc.constant(Array(1001).fill('a'.repeat(24))));
  }
}

function isEmptyObject(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;
  } catch {
    return false;
  }
}

/** Raw texts that are not JSON, or not the JSON object an endpoint takes. */
export const malformedJson = fc.oneof(
  fc.constantFrom('{', '}', '{"a":}', "{'a':1}", '{a:1}', '{"a":1,}', 'nul', 'undefined', '{"a":1e400}', '{"quantity":-0}', '\u0000', '[1,]', '{"a":"\\x"}', '"unterminated'),
  // Never empty nor `{}`: no body and an empty object are what endpoints without a body accept.
  fc.string({ minLength: 1, maxLength: 64 }).filter((s) => !isEmptyObject(s)),
  fc.integer({ min: 1, max: 5000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth - 1)),
);
export const nonObjectJson = fc.constantFrom('[]', '[{}]', '1', '-1', '"text"', 'null', 'true', '1e400');

/** Content types a body may not have (JSON is the only one taken). */
export const wrongContentType = fc.constantFrom(
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/xml',
  'text/html',
  'application/jsonx',
  'application/x-json',
  'application/json; charset=latin1',
  'application/octet-stream',
);

/** Query strings with operators, prototype keys, odd encodings; the routes ignore or refuse them. */
export const hostileQuery = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('$where', '$gt', 'a[$ne]', 'sku[$gt]', '__proto__', '__proto__[x]', 'constructor', 'prototype', 'skip', 'limit', 'q', 'job', 'state', 'fullDetails', '%zz', 'id'), smallString),
      fc.oneof(fc.constantFrom('', '-1', '1e9', '1.5', '{"$gt":""}', 'null', '%', 'x'.repeat(3000)), smallString),
    ),
    { minLength: 1, maxLength: 4 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${k === '%zz' ? k : encodeURIComponent(k)}=${v === '%' ? '%' : encodeURIComponent(v)}`).join('&'));
