import { Router } from 'express';
import type { AuditRunDoc } from '../infra/database/models.js';
import type { AppContext } from '../shared/context.js';
import { noBody, validate } from '../http/validate.js';
import { AUDIT_JOB_NAME } from './record-audit.js';

/** A run whose heartbeat is older than this died with its process: it is not running any more. */
const STALE_MS = 2 * 60_000;

const presentRun = (run: AuditRunDoc | null) =>
  run && { id: run._id.toString(), trigger: run.trigger, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt, error: run.error };

async function auditState(ctx: AppContext) {
  const { finished, running, failed } = await ctx.data.auditRuns.latestAuditRuns();
  const alive = running && running.heartbeatAt.getTime() > Date.now() - STALE_MS ? running : null;
  return {
    last: finished ? { ...presentRun(finished)!, report: finished.report } : null,
    running: presentRun(alive),
    lastFailed: failed && (!finished || failed.startedAt > finished.startedAt) ? presentRun(failed) : null,
  };
}

/** Admin: the books audit's last report, and a way to start one (mounted at /api/admin, behind the admin credentials). */
export function adminAuditRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/audit', async (_req, res) => {
    res.json({ success: true, data: await auditState(ctx) });
  });
  // The audit runs on a worker, as the scheduled one does: an API process runs no jobs.
  router.post('/audit', async (req, res) => {
    validate(noBody(), req.body ?? {}, 'body');
    const state = await auditState(ctx);
    if (!state.running) await ctx.agenda.now(AUDIT_JOB_NAME, { trigger: 'admin' });
    res.status(202).json({ success: true, data: { queued: !state.running, ...state } });
  });
  return router;
}
