import type { ErrorRequestHandler, RequestHandler } from 'express';
import mongoose from 'mongoose';
import { isDatabaseBusy, isDatabaseUnreachable } from '../infra/database/availability.js';
import type { Logger } from '../infra/logger.js';
import { DomainError, NotFound, ServiceUnavailable } from '../shared/errors.js';

interface ErrorBody {
  success: false;
  error: { code: string; message: string; details?: unknown };
}

const body = (code: string, message: string, details?: unknown): ErrorBody => ({
  success: false,
  error: details === undefined ? { code, message } : { code, message, details },
});

export const notFoundRoute: RequestHandler = (req) => {
  throw new NotFound('ROUTE', `No route ${req.method} ${req.path}`);
};

/** The one place errors become HTTP answers. A client mistake is never a 500. */
export function errorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (res.headersSent) return;
    // The driver's "no server now" (selection timed out, connection lost, pool cleared…) is
    // not a bug: 503, and the availability watcher logs the outage once.
    if (isDatabaseUnreachable(error)) error = new ServiceUnavailable('The database is unreachable; try again shortly');
    else if (isDatabaseBusy(error)) error = new ServiceUnavailable('The database is too busy; try again shortly');
    if (error instanceof DomainError) {
      if (error instanceof ServiceUnavailable) res.set('Retry-After', String(error.retryAfterSeconds));
      res.status(error.status).json(body(error.code, error.message, error.details));
      return;
    }
    const e = error as { type?: string; status?: number; message?: string };
    switch (e.type) {
      case 'entity.too.large':
        res.status(413).json(body('PAYLOAD_TOO_LARGE', 'Request body is too large'));
        return;
      case 'entity.parse.failed':
        res.status(400).json(body('MALFORMED_JSON', 'Request body is not valid JSON'));
        return;
      case 'encoding.unsupported':
      case 'charset.unsupported':
        res.status(415).json(body('UNSUPPORTED_MEDIA_TYPE', e.message ?? 'Unsupported encoding'));
        return;
    }
    if (error instanceof mongoose.Error.CastError || error instanceof mongoose.Error.ValidationError) {
      res.status(400).json(body('VALIDATION_FAILED', error.message));
      return;
    }
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) {
      res.status(e.status).json(body('BAD_REQUEST', e.message ?? 'Bad request'));
      return;
    }
    const err = error as { name?: string; message?: string; code?: unknown; stack?: string };
    log.error('unhandled error', { requestId: req.requestId, method: req.method, path: req.path, error: { name: err.name, message: err.message, code: err.code, stack: err.stack } });
    res.status(500).json(body('INTERNAL', 'Internal server error'));
  };
}
