import Joi from 'joi';
import { ValidationFailed } from '../shared/errors.js';
import { MAX_AMOUNT } from '../shared/money.js';

/** Validates input at the edge: unknown fields rejected, all problems reported at once. */
export function validate<T>(schema: Joi.Schema<T>, value: unknown, where: 'body' | 'params' | 'query' | 'header'): T {
  const { value: result, error } = schema.validate(value, { abortEarly: false, stripUnknown: false, convert: where !== 'body' });
  if (error) {
    throw new ValidationFailed(
      `Invalid ${where}`,
      error.details.map((d) => ({ path: d.path.join('.'), message: d.message.replace(/"/g, "'") })),
    );
  }
  return result;
}

/** Money and quantities: positive integers in the smallest unit, kept exactly (src/shared/money.ts). */
export const amount = () => Joi.number().integer().strict().min(1).max(MAX_AMOUNT);
/** A balance: like an amount, and may be 0. */
export const balance = () => Joi.number().integer().strict().min(0).max(MAX_AMOUNT);
export const objectId = () => Joi.string().hex().length(24);
export const sku = () => Joi.string().pattern(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/).message('{#label} must be 1-64 letters, digits, . _ -');
/** For routes that take no body: none, or an empty JSON object; any field in it is unknown. */
export const noBody = () => Joi.object({});

/** The `Idempotency-Key` header of checkout and refund. */
export const idempotencyKey = () => Joi.string().pattern(/^[A-Za-z0-9_.:-]{1,128}$/).message("'Idempotency-Key' must be 1-128 letters, digits, _ . : -");
