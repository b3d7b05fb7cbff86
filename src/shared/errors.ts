/**
 * Domain errors. Use cases throw these; one HTTP middleware maps them to status codes
 * (src/http/error-handler.ts), so callers branch on the type, never on the text.
 */
export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  constructor(
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  readonly status = 400;
  readonly code = 'VALIDATION_FAILED';
}

export class Unauthenticated extends DomainError {
  readonly status = 401;
  readonly code = 'UNAUTHENTICATED';
}

export class InsufficientFunds extends DomainError {
  readonly status = 402;
  readonly code = 'INSUFFICIENT_FUNDS';
}

export class Forbidden extends DomainError {
  readonly status = 403;
  readonly code = 'FORBIDDEN';
}

export class NotFound extends DomainError {
  readonly status = 404;
  readonly code: string;
  constructor(what: 'USER' | 'PRODUCT' | 'TRANSACTION' | 'ROUTE' | 'CART_ITEM', message: string, details?: unknown) {
    super(message, details);
    this.code = `${what}_NOT_FOUND`;
  }
}

export class EmptyCart extends DomainError {
  readonly status = 409;
  readonly code = 'EMPTY_CART';
}

export class CartChanged extends DomainError {
  readonly status = 409;
  readonly code = 'CART_CHANGED';
}

export class IdempotencyKeyReused extends DomainError {
  readonly status = 409;
  readonly code = 'IDEMPOTENCY_KEY_REUSED';
}

/** An amount that would take a balance or total past MAX_AMOUNT (src/shared/money.ts), where integers stop being exact. */
export class AmountOutOfRange extends DomainError {
  readonly status = 409;
  readonly code = 'AMOUNT_OUT_OF_RANGE';
}

export class Conflict extends DomainError {
  readonly status = 409;
  readonly code = 'CONFLICT';
}

/**
 * Not a client mistake and not a bug: the database is unreachable, or a unit of work could not
 * finish within its time budget. Answered `503` with `Retry-After`; nothing was changed — except
 * for its subclass CommitOutcomeUnknown (code OUTCOME_UNKNOWN), whose commit may have applied.
 */
export class ServiceUnavailable extends DomainError {
  readonly status = 503;
  readonly code: string = 'SERVICE_UNAVAILABLE';
  constructor(
    message: string,
    readonly retryAfterSeconds = 1,
    details?: unknown,
  ) {
    super(message, details);
  }
}

/**
 * A unit of work whose commit was sent but never confirmed (the commit retried alone meanwhile):
 * it may have been applied. Never to be answered as "nothing changed": `503` with Retry-After and
 * code OUTCOME_UNKNOWN, the message saying how to learn the outcome. A job retries it (its runs
 * are idempotent).
 */
export class CommitOutcomeUnknown extends ServiceUnavailable {
  override readonly code = 'OUTCOME_UNKNOWN';
  constructor(message: string, details?: unknown) {
    super(message, 2, details);
  }
}

/** Not a client mistake: the job cannot proceed with this data (e.g. purchase vanished). */
export class UnrecoverableJobError extends Error {
  override name = 'UnrecoverableJobError';
}

/** A request body in a media type the endpoint does not take (only `application/json` is). */
export class UnsupportedMediaType extends DomainError {
  readonly status = 415;
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
}

/** A write refused by a unique index (E11000): the key's owner exists already — a race lost, or a replay. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
