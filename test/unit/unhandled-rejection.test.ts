import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'chai';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs a tiny process that installs the service's handler and then rejects `rejection` unawaited. */
function runWith(rejection: string): { status: number | null; output: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'unhandled-'));
  try {
    const script = path.join(dir, 'main.ts');
    writeFileSync(
      script,
      `import { MongoServerError } from ${JSON.stringify(path.join(root, 'node_modules/mongodb/lib/index.js'))};
       import { logger } from ${JSON.stringify(path.join(root, 'src/infra/logger.ts'))};
       import { onUnhandledRejection } from ${JSON.stringify(path.join(root, 'src/infra/shutdown.ts'))};
       void MongoServerError;
       onUnhandledRejection(logger);
       void Promise.reject(${rejection});
       setTimeout(() => { console.log('still running'); process.exit(0); }, 300);`,
    );
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], { cwd: root, encoding: 'utf8', timeout: 20_000 });
    return { status: run.status, output: run.stdout + run.stderr };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('unhandled rejections (a real process)', function () {
  this.timeout(30_000);

  it("a database error from a call a library did not await (Agenda's unlockJob) is logged and the process keeps running", function () {
    const run = runWith(`new MongoServerError({ message: 'transaction has already been committed or rolled back', code: 1 })`);
    expect(run.output).to.contain('a database call nobody awaited failed');
    expect(run.output).to.contain('still running');
    expect(run.status).to.equal(0);
  });

  it('any other unhandled rejection is a bug: logged, and the process exits 1', function () {
    const run = runWith(`new TypeError('x is not a function')`);
    expect(run.output).to.contain('unhandled rejection: exiting');
    expect(run.output).to.not.contain('still running');
    expect(run.status).to.equal(1);
  });
});
