import type { AppContext } from '../shared/context.js';
import { auditBooks, type AuditDeps } from './audit.js';
import type { Finding } from './findings.js';
import type { AuditReport } from './report.js';

export const AUDIT_JOB_NAME = 'audit-ledger';
/** How many runs `ledger_audits` keeps. */
const RUNS_KEPT = 50;
/** A run renews its heartbeat (and its job lock) at most this often. */
const HEARTBEAT_MS = 10_000;
/** Findings logged one line each per run; past it, one line says how many more. */
const MAX_FINDINGS_LOGGED = 10_000;

export const auditDeps = (ctx: AppContext): AuditDeps => ({
  data: ctx.data,
  unitOfWork: ctx.unitOfWork,
  rules: ctx.config.rewards,
  settleMs: ctx.config.books.settleMs,
});

/**
 * A recorded audit, as the `audit-ledger` job runs it: the run is kept in `ledger_audits` (the
 * admin API's last report), each finding is logged on a line of its own naming its purchase or
 * user, the metrics say how many per check and when it last ran to its end, and every user's
 * points checkpoint is brought up to date.
 */
export async function recordAudit(ctx: AppContext, trigger: string, renewLock: () => Promise<void> = async () => undefined): Promise<AuditReport> {
  const { auditRuns } = ctx.data;
  const runId = await auditRuns.startAuditRun(trigger, new Date());
  ctx.log.info('ledger audit started', { trigger, runId: runId.toString() });
  let lastBeat = Date.now();
  let logged = 0;
  const logFinding = (f: Finding) => {
    if (++logged > MAX_FINDINGS_LOGGED) return;
    ctx.log.warn('ledger audit finding', { check: f.check, [`${f.subject.kind}Id`]: f.subject.id, detail: f.message, expected: f.expected, actual: f.actual, difference: f.difference });
  };
  try {
    const report = await auditBooks(auditDeps(ctx), {
      writeCheckpoints: true,
      onFinding: logFinding,
      onProgress: async () => {
        if (Date.now() - lastBeat < HEARTBEAT_MS) return;
        lastBeat = Date.now();
        await Promise.all([auditRuns.beatAuditRun(runId), renewLock()]);
      },
    });
    if (logged > MAX_FINDINGS_LOGGED) ctx.log.warn('ledger audit: more findings than logged', { logged: MAX_FINDINGS_LOGGED, more: logged - MAX_FINDINGS_LOGGED });
    await auditRuns.finishAuditRun(runId, report);
    for (const check of report.checks) ctx.metrics.ledgerAuditDiscrepancies.set({ check: check.name }, check.discrepancies);
    ctx.metrics.ledgerAuditLastSuccess.set(Date.now() / 1000);
    const discrepancies = report.checks.reduce((sum, c) => sum + c.discrepancies, 0);
    ctx.log[report.clean ? 'info' : 'error']('ledger audit finished', { trigger, clean: report.clean, discrepancies, durationMs: report.durationMs, ...report.scanned, checkpointsWritten: report.checkpoints.written });
    await auditRuns.pruneAuditRuns(RUNS_KEPT);
    return report;
  } catch (error) {
    await auditRuns.failAuditRun(runId, (error as Error).message).catch(() => undefined);
    throw error;
  }
}
