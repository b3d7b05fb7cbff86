import { deleteIdempotencyKeysBefore, findCommittedIdempotencyKey, reserveIdempotencyKey } from './idempotency-keys.js';

export const idempotencyKeyQueries = { reserveIdempotencyKey, findCommittedIdempotencyKey, deleteIdempotencyKeysBefore };
