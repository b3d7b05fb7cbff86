import type { Types } from 'mongoose';
import type { AuditRunDoc, Models } from '../../infra/database/models.js';

/** The `ledger_audits` collection: one document per audit run, its report once finished. */

export async function startAuditRun(models: Models, trigger: string, at: Date): Promise<Types.ObjectId> {
  const [run] = await models.AuditRun.create([{ trigger, status: 'running', startedAt: at, heartbeatAt: at }]);
  return run!._id;
}

export async function beatAuditRun(models: Models, id: Types.ObjectId): Promise<void> {
  await models.AuditRun.updateOne({ _id: id }, { $set: { heartbeatAt: new Date() } });
}

export async function finishAuditRun(models: Models, id: Types.ObjectId, report: unknown): Promise<void> {
  await models.AuditRun.updateOne({ _id: id }, { $set: { status: 'finished', finishedAt: new Date(), heartbeatAt: new Date(), report } });
}

export async function failAuditRun(models: Models, id: Types.ObjectId, error: string): Promise<void> {
  await models.AuditRun.updateOne({ _id: id }, { $set: { status: 'failed', finishedAt: new Date(), error } });
}

/** The newest run with each status: what the admin API shows. */
export async function latestAuditRuns(models: Models): Promise<{ finished: AuditRunDoc | null; running: AuditRunDoc | null; failed: AuditRunDoc | null }> {
  const newest = (status: AuditRunDoc['status']) => models.AuditRun.findOne({ status }).sort({ startedAt: -1 }).lean<AuditRunDoc>().exec();
  const [finished, running, failed] = [await newest('finished'), await newest('running'), await newest('failed')];
  return { finished, running, failed };
}

/** Keeps the newest `keep` runs. */
export async function pruneAuditRuns(models: Models, keep: number): Promise<void> {
  const oldest = await models.AuditRun.find({}, { _id: 1 }).sort({ startedAt: -1 }).skip(keep).limit(1).lean<{ _id: Types.ObjectId }[]>();
  const cutoff = oldest[0];
  if (!cutoff) return;
  const at = await models.AuditRun.findById(cutoff._id, { startedAt: 1 }).lean<{ startedAt: Date }>();
  if (at) await models.AuditRun.deleteMany({ startedAt: { $lte: at.startedAt } });
}
