import express, { type RequestHandler } from 'express';
import { UnsupportedMediaType, ValidationFailed } from '../shared/errors.js';

/**
 * Keys that reach an object's prototype chain when a body is merged or copied. JSON.parse makes
 * `__proto__` an own property, and joi skips it when it checks for unknown keys, so a body with
 * `__proto__` would pass validation silently: refuse these names anywhere in the body or query.
 */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** The paths of every prototype key in a parsed value; iterative, so deep nesting cannot blow the stack. */
export function prototypeKeyPaths(root: unknown): string[] {
  const found: string[] = [];
  const pending: { value: unknown; path: string[] }[] = [{ value: root, path: [] }];
  while (pending.length > 0) {
    const { value, path } = pending.pop()!;
    if (value === null || typeof value !== 'object') continue;
    for (const key of Object.keys(value)) {
      const at = [...path, key];
      if (PROTOTYPE_KEYS.has(key)) found.push(at.join('.'));
      else pending.push({ value: (value as Record<string, unknown>)[key], path: at });
    }
  }
  return found.sort();
}

/** Answers 400, like any unknown field, when the body or query string names a prototype key. */
export const rejectPrototypeKeys: RequestHandler = (req, _res, next) => {
  for (const [where, value] of [['body', req.body], ['query', req.query]] as const) {
    const paths = prototypeKeyPaths(value);
    if (paths.length > 0) {
      throw new ValidationFailed(
        `Invalid ${where}`,
        paths.map((path) => ({ path, message: `'${path}' is not allowed` })),
      );
    }
  }
  next();
};

/** Rejects bodies that are not JSON before they are parsed (415). */
export const requireJsonBody: RequestHandler = (req, _res, next) => {
  const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
  if (hasBody && !req.is('application/json')) {
    throw new UnsupportedMediaType('Request bodies must be application/json');
  }
  next();
};

/** Bodies are JSON only (415), up to the configured size (413), objects or arrays, with no prototype keys. */
export function jsonBody(limitBytes: number): RequestHandler[] {
  return [requireJsonBody, express.json({ limit: limitBytes, strict: true }), rejectPrototypeKeys];
}
