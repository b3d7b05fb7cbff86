import { Router } from 'express';
import type { AppContext } from '../shared/context.js';
import { JOBS_COLLECTION } from '../infra/queue/agenda.js';

const withTimeout = <T>(promise: Promise<T>, ms: number): Promise<T> =>
  Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

/**
 * Liveness, readiness (database and queue reachable) and, for operators, Prometheus metrics and
 * which database server it is. Without `forOperators` (a public port that does not serve them:
 * config.metrics) /ready says only ready or not and there is no /metrics.
 */
export function opsRoutes(ctx: AppContext, { forOperators }: { forOperators: boolean }): Router {
  const router = Router();
  const { capabilities } = ctx.database;

  router.get('/health', (_req, res) => {
    res.json({ success: true, data: { status: 'ok', uptimeSeconds: Math.round(process.uptime()) } });
  });

  router.get('/ready', async (_req, res) => {
    const check = async (probe: () => Promise<unknown>) => {
      try {
        await withTimeout(probe(), 2000);
        return { ok: true } as const;
      } catch (error) {
        return { ok: false, error: (error as Error).message } as const;
      }
    };
    const [database, queue] = await Promise.all([
      check(() => ctx.database.db.command({ ping: 1 })),
      check(() => ctx.database.db.collection(JOBS_COLLECTION).findOne({}, { projection: { _id: 1 } })),
    ]);
    const ready = database.ok && queue.ok;
    if (!forOperators) {
      res.status(ready ? 200 : 503).json({ success: ready, data: { status: ready ? 'ready' : 'not ready' } });
      return;
    }
    res.status(ready ? 200 : 503).json({
      success: ready,
      data: {
        status: ready ? 'ready' : 'not ready',
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
