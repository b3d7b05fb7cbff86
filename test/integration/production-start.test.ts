import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { loadConfig } from '../../config/index.js';
import { logger } from '../../src/infra/logger.js';
import { startSystem } from '../../src/system.js';
import { migrateDatabase } from '../support/migrate.js';
import { testMongo } from '../support/test-run.js';

describe('starting with NODE_ENV=production', function () {
  const env = async () => ({
    NODE_ENV: 'production',
    MONGODB_URI: (await testMongo()).uri,
    MONGODB_DB: `test_prod_${Date.now()}`,
    ADMIN_USERNAME: 'ops',
    ADMIN_PASSWORD: 'a-long-admin-password',
    TOKEN_SECRET: 'production-token-secret-0123456789abcdef',
    LOG_LEVEL: 'error',
  });

  it('starts only on a server with transactions', async function () {
    const { capabilities } = await testMongo();
    const config = loadConfig(await env());
    if (capabilities.transactions) {
      await migrateDatabase(config.mongodbUri!, config.dbName);
      const system = await startSystem(config, logger, { http: false, worker: false });
      await system.stop();
    } else {
      let error: Error | undefined;
      await startSystem(config, logger, { http: false, worker: false }).catch((e: Error) => (error = e));
      expect(error?.name).to.equal('DatabaseUnavailable');
      expect(error?.message).to.match(/does not support transactions; NODE_ENV=production requires a MongoDB replica set/);
    }
  });

  it('refuses to start without admin credentials or a token secret', async function () {
    const { ADMIN_PASSWORD: _p, ...noAdmin } = await env();
    expect(() => loadConfig(noAdmin)).to.throw(/ADMIN_USERNAME and ADMIN_PASSWORD are required/);
    const { TOKEN_SECRET: _s, ...noSecret } = await env();
    expect(() => loadConfig(noSecret)).to.throw(/TOKEN_SECRET is required/);
  });

  it('the service entry point exits with one clear line when a setting is wrong', function () {
    this.timeout(30_000);
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
      env: { PATH: process.env.PATH, NODE_ENV: 'production', ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'a-long-admin-password', JOB_CONCURRENCY: 'lots' },
      encoding: 'utf8',
      timeout: 25_000,
    });
    expect(run.status).to.equal(1);
    expect(run.stderr + run.stdout).to.match(/cannot start: Invalid JOB_CONCURRENCY=\\?"lots\\?": must be a number/);
    expect(run.stderr + run.stdout).to.not.contain('a-long-admin-password');
  });
});
