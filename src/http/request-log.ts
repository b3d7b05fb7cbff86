import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { Logger } from '../infra/logger.js';
import type { Metrics } from '../infra/metrics.js';

const DASHBOARD = '/admin/jobs';

/**
 * An open Agendash page polls its list and stats every few seconds (and loads its assets): worth
 * `debug`, not `info`. Opening the page itself, and every action, stay at `info`.
 */
function isDashboardPolling(req: Request, status: number): boolean {
  const path = req.originalUrl.split('?')[0]!;
  return req.method === 'GET' && status < 400 && path.startsWith(`${DASHBOARD}/`) && path !== `${DASHBOARD}/`;
}

/**
 * One log line per request: id, method, route (the pattern, never ids or tokens), status,
 * duration. A request no route matched (a 404, or refused by an auth guard before its route)
 * also carries its path — never the query string, which may carry secrets — so it can be found.
 */
export function requestLog(log: Logger, metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const incoming = req.get('x-request-id');
    req.requestId = incoming && /^[\w.-]{1,64}$/.test(incoming) ? incoming : randomUUID();
    res.set('X-Request-Id', req.requestId);
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const matched = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : req.baseUrl || undefined;
      const route = matched ?? 'unmatched';
      metrics.httpRequests.observe({ method: req.method, route, status: String(res.statusCode) }, ms / 1000);
      const line = {
        requestId: req.requestId,
        method: req.method,
        route,
        ...(matched && res.statusCode !== 401 && res.statusCode !== 404 ? {} : { path: req.originalUrl.split('?')[0]!.slice(0, 300) }),
        status: res.statusCode,
        durationMs: Math.round(ms * 10) / 10,
      };
      if (isDashboardPolling(req, res.statusCode)) log.debug('request', line);
      else log.info('request', line);
    });
    next();
  };
}
