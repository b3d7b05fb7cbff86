import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'chai';
import type { Response } from 'supertest';
import { openApiDocument } from '../../src/http/openapi/document.js';

// ajv-formats is CommonJS: under NodeNext its default import is the module object.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;
type Method = 'get' | 'post' | 'delete';
type Json = Record<string, unknown>;

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema(openApiDocument as unknown as Json, 'openapi');

/** The document's `#/components/...` refs, pointed at the document registered as `openapi`. */
function anchored(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(anchored);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? `openapi${v}` : anchored(v)]));
  }
  return schema;
}

const compiled = new Map<string, ReturnType<typeof ajv.compile>>();

/**
 * Checks a real response against the document: the route and method are documented, the status
 * is one of the operation's responses, the content type is the documented one, and a JSON body
 * matches its schema. Records what it saw, so a test can ask what was never exercised.
 */
export class OpenApiValidator {
  readonly seen = new Set<string>();

  check(method: Method, template: string, res: Response): Response {
    const operation = (openApiDocument.paths as unknown as Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>)[template]?.[method];
    expect(operation, `${method.toUpperCase()} ${template} is not in the OpenAPI document`).to.not.equal(undefined);
    const documented = operation!.responses[String(res.status)];
    expect(documented, `${method.toUpperCase()} ${template} answered ${res.status}, which the document does not list: ${JSON.stringify(res.body)}`).to.not.equal(undefined);
    const type = res.type;
    const content = documented!.content?.[type];
    expect(content, `${method.toUpperCase()} ${template} ${res.status} answered ${type}, documented: ${Object.keys(documented!.content ?? {}).join(', ')}`).to.not.equal(undefined);
    if (type === 'application/json') {
      const key = `${method} ${template} ${res.status}`;
      let validate = compiled.get(key);
      if (!validate) compiled.set(key, (validate = ajv.compile(anchored(content!.schema) as Json)));
      const valid = validate(res.body);
      expect(valid, `${key} does not match the document: ${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(res.body).slice(0, 2000)}`).to.equal(true);
    }
    this.seen.add(`${method} ${template}`);
    this.seen.add(`${method} ${template} ${res.status}`);
    return res;
  }

  /** Every documented operation never checked. */
  unexercised(): string[] {
    const all = Object.entries(openApiDocument.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    return all.filter((op) => !this.seen.has(op));
  }
}
