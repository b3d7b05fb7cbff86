import { ReplSetFront, type ReplSetFrontOptions } from '../../tools/dev-database/replset-front/front.js';
import { testMongo, testRun } from './test-run.js';

/**
 * A replica-set front of a suite's own on the run's FerretDB, so its faults (elections, member
 * changes, fail points) reach no other suite. Where the run has no FerretDB behind a front (a real
 * mongod), the test is skipped with the reason: these are tests of the front or of a fault only it
 * makes on demand here.
 */
export async function ownFront(ctx: Mocha.Context, members: number, options: Partial<Omit<ReplSetFrontOptions, 'upstream' | 'members'>> = {}): Promise<ReplSetFront> {
  await testMongo();
  const port = testRun.mongo?.ferretdbPort;
  if (port === undefined) {
    const test = ctx.currentTest ?? ctx.test;
    if (test) test.title += ' [skipped: the run has no FerretDB behind a replica-set front]';
    ctx.skip();
  }
  return new ReplSetFront({ upstream: { host: '127.0.0.1', port: port! }, members, ...options }).start();
}
