import { expect } from 'chai';
import { makesJobDue } from '../../src/infra/queue/job-change-notifications.js';

/**
 * Which job changes are news to a worker (src/infra/queue/job-change-notifications.ts). The
 * change events are shaped as MongoDB reports Agenda 6.2.6's writes (MongoJobRepository: insert
 * on enqueue, findOneAndUpdate $set lockedAt on lock, saveJobState $set at a run's start and end,
 * $unset lockedAt on unlock): `updatedFields` holds only the fields whose value changed.
 */
describe('job change notifications: which changes make a job due', function () {
  const now = new Date();
  const horizon = new Date(now.getTime() + 1_000);
  const later = new Date(now.getTime() + 60_000);
  const update = (updatedFields: Record<string, unknown>, removedFields: string[] = []) => ({ operationType: 'update', updateDescription: { updatedFields, removedFields } });

  it('a job enqueued due now is news; one scheduled past the next poll, or disabled, is not', function () {
    expect(makesJobDue({ operationType: 'insert', fullDocument: { nextRunAt: now } }, horizon)).to.equal(true);
    expect(makesJobDue({ operationType: 'insert', fullDocument: { nextRunAt: later } }, horizon)).to.equal(false);
    expect(makesJobDue({ operationType: 'insert', fullDocument: { nextRunAt: now, disabled: true } }, horizon)).to.equal(false);
    expect(makesJobDue({ operationType: 'replace', fullDocument: { nextRunAt: now } }, horizon)).to.equal(true);
  });

  it('a lock taken, a run starting, a run ending, progress: no news', function () {
    expect(makesJobDue(update({ lockedAt: now, lastModifiedBy: 'worker@a' }), horizon), 'lock').to.equal(false);
    expect(makesJobDue(update({ nextRunAt: null, lastRunAt: now }), horizon), 'run starts').to.equal(false);
    expect(makesJobDue(update({ lockedAt: null, lastFinishedAt: now }), horizon), 'one-off run ends').to.equal(false);
    expect(makesJobDue(update({ lockedAt: null, nextRunAt: later, lastFinishedAt: now }), horizon), 'recurring run ends').to.equal(false);
    expect(makesJobDue(update({ progress: 50 }), horizon), 'progress').to.equal(false);
  });

  it('a job made due again (retry soon, requeue) or a lock given back by $unset is news', function () {
    expect(makesJobDue(update({ lockedAt: null, nextRunAt: now, failCount: 1 }), horizon), 'retry now').to.equal(true);
    expect(makesJobDue(update({ nextRunAt: now }), horizon), 'requeue').to.equal(true);
    expect(makesJobDue(update({}, ['lockedAt']), horizon), 'unlock').to.equal(true);
    expect(makesJobDue({ operationType: 'delete' }, horizon), 'delete').to.equal(false);
  });
});
