import { Router } from 'express';
import type { AppContext } from '../shared/context.js';
import { readinessCheck, type ReadinessOptions } from './readiness.js';

/**
 * Liveness, readiness (docs/operating.md, "Liveness and readiness": what ready means) and, for operators, Prometheus
 * metrics and which database server it is. Without `forOperators` (a public port that does not
 * serve them: config.metrics) /ready says only ready or not and there is no /metrics.
 */
export function opsRoutes(ctx: AppContext, { forOperators, readiness: readinessOptions = {} }: { forOperators: boolean; readiness?: ReadinessOptions }): Router {
  const router = Router();
  const { capabilities } = ctx.database;
  const readiness = readinessCheck(ctx, readinessOptions);

  router.get('/health', (_req, res) => {
    res.json({ success: true, data: { status: 'ok', uptimeSeconds: Math.round(process.uptime()) } });
  });

  router.get('/ready', async (_req, res) => {
    const { ready, status, database, queue } = await readiness();
    if (!forOperators) {
      res.status(ready ? 200 : 503).json({ success: ready, data: { status } });
      return;
    }
    res.status(ready ? 200 : 503).json({
      success: ready,
      data: {
        status,
        database: { ...database, server: capabilities.kind, version: capabilities.version, transactions: capabilities.transactions, source: ctx.database.mongo.source },
        queue,
      },
    });
  });

  if (!forOperators) return router;
  router.get('/metrics', async (_req, res) => {
    res.set('Content-Type', ctx.metrics.registry.contentType);
    res.send(await ctx.metrics.registry.metrics());
  });
  return router;
}
