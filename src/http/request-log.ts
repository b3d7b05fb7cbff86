import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';

/** One log line per request: id, method, route (the pattern, never ids or tokens), status, duration. */
export function requestLog(log: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.get('x-request-id');
    req.requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.set('X-Request-Id', req.requestId);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || 'unmatched';
      metrics.httpRequests.observe({ method: req.method, route, status: String(res.statusCode) }, ms / 1000);
      log.info('request', { requestId: req.requestId, method: req.method, route, status: res.statusCode, durationMs: Math.round(ms * 10) / 10 });
    });
    next();
  };
}
