/** Building blocks of the OpenAPI operations: envelopes, error answers, parameters. */
type Schema = Record<string, unknown>;

export const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });

const ERRORS: Record<number, string> = {
  400: 'Invalid input (VALIDATION_FAILED, MALFORMED_JSON); unknown fields are rejected',
  401: 'Missing or bad credentials (UNAUTHENTICATED)',
  402: 'Insufficient funds',
  404: 'Unknown user, product, transaction, cart line or route',
  409: 'Conflict: see the code (EMPTY_CART, CART_CHANGED, IDEMPOTENCY_KEY_REUSED, CONFLICT, AMOUNT_OUT_OF_RANGE)',
  413: 'Request body too large',
  415: 'Request bodies must be application/json',
  503: 'Database unreachable or over its time budget (Retry-After)',
};

const json = (schema: Schema) => ({ 'application/json': { schema } });

/** `{success: true, data}` with `data` of the named schema. */
export const ok = (data: string, description = 'OK') => ({
  description,
  content: json({ type: 'object', additionalProperties: false, required: ['success', 'data'], properties: { success: { const: true }, data: ref(data) } }),
});

export const errors = (...statuses: number[]) =>
  Object.fromEntries(statuses.map((s) => [String(s), { description: ERRORS[s] ?? 'Error', content: json(ref('Error')) }]));

/** One error status described for this operation: each code it answers and when. */
export const error = (status: number, description: string) => ({ [String(status)]: { description, content: json(ref('Error')) } });

export interface Operation {
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: Schema[];
  requestBody?: Schema;
  responses: Record<string, Schema>;
}

export const admin = [{ adminBasic: [] }];
export const customer = [{ customerBearer: [] }];
export const anyone: Record<string, string[]>[] = [];

export const pathId = (description = 'A 24-hex id') => ({ name: 'id', in: 'path', required: true, description, schema: { type: 'string', pattern: '^[0-9a-f]{24}$' } });
export const query = (name: string, schema: Schema, description?: string) => ({ name, in: 'query', required: false, schema, ...(description ? { description } : {}) });
export const paging = [
  query('limit', { type: 'integer', minimum: 1, maximum: 100, default: 20 }, 'Items per page'),
  query('cursor', { type: 'string' }, 'The `nextCursor` of the previous page'),
];

export const body = (properties: Record<string, Schema>, required: string[] = []) => ({
  required: true,
  content: json({ type: 'object', additionalProperties: false, required, properties }),
});
