import { Router, type RequestHandler } from 'express';
import Joi from 'joi';
import { createExpressMiddleware } from 'agendash';
import { agendashList } from './agendash-list.js';
import type { AppContext } from '../shared/context.js';
import { NotFound } from '../shared/errors.js';
import { dashboardGuard } from './dashboard-guard.js';
import { jsonBody } from '../http/json-body.js';
import { DASHBOARD_CSP_ADDITIONS, noStore } from '../http/security-headers.js';
import { objectId, validate } from '../http/validate.js';

const jobIds = Joi.object({ jobIds: Joi.array().items(objectId()).max(1000).required() }).required();
const text = (max = 200) => Joi.string().max(max);
const count = (max: number) => Joi.number().integer().min(0).max(max);

/** Agendash's API, validated at the edge like ours (docs/spec.md §8): only what its own page sends. */
const schemas: Record<string, { where: 'body' | 'query'; schema: Joi.Schema }> = {
  'GET /api': {
    where: 'query',
    schema: Joi.object({ job: text(), state: text(), q: text(), property: text(), value: text(), isObjectId: text(), skip: count(1_000_000), limit: count(1000).min(1) }),
  },
  'GET /api/logs': {
    where: 'query',
    schema: Joi.object({ jobId: text(), jobName: text(), level: text(), event: text(), from: text(), to: text(), limit: count(1000).min(1), offset: count(1_000_000), sort: Joi.valid('asc', 'desc') }),
  },
  'GET /api/stats': { where: 'query', schema: Joi.object({ fullDetails: Joi.valid('true', 'false') }) },
  'GET /api/events': { where: 'query', schema: Joi.object({}) },
  'POST /api/jobs/create': {
    where: 'body',
    schema: Joi.object({
      jobName: text().trim().min(1).required(),
      jobSchedule: text().allow('', null),
      jobRepeatEvery: text().allow('', null),
      jobData: Joi.any(),
    }).required(),
  },
  ...Object.fromEntries(['requeue', 'retry', 'delete', 'pause', 'resume'].map((verb) => [`POST /api/jobs/${verb}`, { where: 'body', schema: jobIds }])),
};

/**
 * Express routes ignore case and a trailing slash, so the lookup does too; and a request that could
 * change something reaches Agendash only through a route validated here (fails closed).
 */
const validateDashboardInput: RequestHandler = (req, _res, next) => {
  const method = req.method === 'HEAD' ? 'GET' : req.method;
  const rule = schemas[`${method} ${req.path.toLowerCase().replace(/\/+$/, '')}`];
  if (!rule && method !== 'GET') throw new NotFound('ROUTE', `No route ${req.method} ${req.path}`);
  if (rule) validate(rule.schema, rule.where === 'body' ? req.body : { ...req.query }, rule.where);
  next();
};

/** Agendash replaces the CSP on everything it serves; keep its directives and add ours to them. */
const extendAgendashCsp: RequestHandler = (_req, res, next) => {
  const setHeader = res.setHeader.bind(res);
  res.setHeader = (name, value) =>
    setHeader(name, name.toLowerCase() === 'content-security-policy' ? `${String(value)}; ${DASHBOARD_CSP_ADDITIONS}` : value);
  next();
};

/**
 * Agendash answers its errors as `{error: "…"}`; its page only looks at the status code (checked
 * in its bundle), so give them the body of docs/spec.md §4 like every other error of the service.
 */
const errorBodiesAsSpec: RequestHandler = (_req, res, next) => {
  const json = res.json.bind(res);
  res.json = (payload: unknown) => {
    const error = (payload as { error?: unknown } | null)?.error;
    if (res.statusCode >= 400 && typeof error === 'string') {
      return json({ success: false, error: { code: res.statusCode >= 500 ? 'DASHBOARD_FAILED' : 'DASHBOARD_REQUEST_REFUSED', message: error } });
    }
    return json(payload);
  };
  next();
};

/**
 * Agendash at `/admin/jobs` (behind the admin credentials, mounted by src/app.ts). Agendash parses
 * bodies itself with express.json()/urlencoded() at their 100 kB default and accepts forms; here
 * every body is refused unless JSON, parsed first with the service's own limit (413 beyond it),
 * so Agendash's parsers find the request already read and skip it.
 */
export function dashboard(ctx: AppContext): Router {
  const router = Router();
  router.use('/api', noStore);
  router.use(dashboardGuard, ...jsonBody(ctx.config.bodyLimitBytes), validateDashboardInput);
  router.use(extendAgendashCsp, errorBodiesAsSpec, agendashList(ctx.database.db), createExpressMiddleware(ctx.agenda));
  return router;
}
