import { spawnSync } from 'node:child_process';
import { expect } from 'chai';

describe('starting a worker against an unreachable MongoDB', function () {
  it('exits 1 with one clear line instead of crashing on an unhandled rejection', function () {
    this.timeout(60_000);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/worker.ts'], {
      env: { PATH: process.env.PATH, MONGODB_URI: 'mongodb://scott:tiger-secret@127.0.0.1:1/?directConnection=true' },
      encoding: 'utf8',
      timeout: 50_000,
    });
    const output = run.stdout + run.stderr;
    expect(run.status, output).to.equal(1);
    expect(output).to.match(/cannot start: Cannot connect to MongoDB \(MONGODB_URI mongodb:\/\/\*\*\*@127\.0\.0\.1:1\/.*\): connect ECONNREFUSED/);
    expect(output).to.not.contain('tiger-secret');
    expect(output).to.not.match(/UnhandledPromiseRejection|at .*node_modules/);
  });
});
