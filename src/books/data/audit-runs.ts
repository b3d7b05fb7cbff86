import type { DataScope } from '../../infra/database/data-scope.js';
import type { AuditRunDoc } from '../../infra/database/models.js';
import type { Id } from '../../shared/ids.js';

/** The `ledger_audits` collection: one document per audit run, its report once finished. */

/** Records a run that starts now; its id. */
export async function startAuditRun({ models, session }: DataScope, trigger: string, at: Date): Promise<Id> {
  const [run] = await models.AuditRun.create([{ trigger, status: 'running', startedAt: at, heartbeatAt: at }], { session });
  return run!._id;
}

/** The run is alive: a run whose heartbeat stops died with its process (src/books/routes.ts). */
export async function beatAuditRun({ models, session }: DataScope, id: Id): Promise<void> {
  await models.AuditRun.updateOne({ _id: id }, { $set: { heartbeatAt: new Date() } }, { session });
}

export async function finishAuditRun({ models, session }: DataScope, id: Id, report: unknown): Promise<void> {
  await models.AuditRun.updateOne({ _id: id }, { $set: { status: 'finished', finishedAt: new Date(), heartbeatAt: new Date(), report } }, { session });
}

export async function failAuditRun({ models, session }: DataScope, id: Id, error: string): Promise<void> {
  await models.AuditRun.updateOne({ _id: id }, { $set: { status: 'failed', finishedAt: new Date(), error } }, { session });
}

/** The newest run with each status: what the admin API shows. */
export async function latestAuditRuns({ models, session }: DataScope): Promise<{ finished: AuditRunDoc | null; running: AuditRunDoc | null; failed: AuditRunDoc | null }> {
  const newest = (status: AuditRunDoc['status']) => models.AuditRun.findOne({ status }).session(session ?? null).sort({ startedAt: -1 }).lean<AuditRunDoc>().exec();
  const [finished, running, failed] = [await newest('finished'), await newest('running'), await newest('failed')];
  return { finished, running, failed };
}

/** Keeps the newest `keep` runs. */
export async function pruneAuditRuns({ models, session }: DataScope, keep: number): Promise<void> {
  const oldest = await models.AuditRun.find({}, { _id: 1 }).session(session ?? null).sort({ startedAt: -1 }).skip(keep).limit(1).lean<{ _id: Id }[]>();
  const cutoff = oldest[0];
  if (!cutoff) return;
  const at = await models.AuditRun.findById(cutoff._id, { startedAt: 1 }).session(session ?? null).lean<{ startedAt: Date }>();
  if (at) await models.AuditRun.deleteMany({ startedAt: { $lte: at.startedAt } }, { session });
}
