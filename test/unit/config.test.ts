import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../config/index.js';

const SECRET = 'a-token-secret-of-at-least-32-characters!';
const PRODUCTION = { NODE_ENV: 'production', ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'correct-horse-battery', TOKEN_SECRET: SECRET };

/** Loads with `env` and returns the ConfigError it must throw. */
function refused(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).to.be.instanceOf(ConfigError);
    return error as ConfigError;
  }
  expect.fail(`loadConfig(${JSON.stringify(env)}) should have thrown`);
}

describe('configuration (docs/spec.md §9)', function () {
  describe('defaults', function () {
    it('has the documented defaults with an empty environment', function () {
      const config = loadConfig({});
      expect(config.nodeEnv).to.equal('development');
      expect(config.isProduction).to.equal(false);
      expect(config.port).to.equal(3000);
      expect(config.mongodbUri).to.equal(undefined);
      expect(config.runWorker).to.equal(true);
      expect(config.logLevel).to.equal('info');
      expect(config.admin.username).to.equal('admin');
      expect(config.admin.generated).to.equal(true);
      expect(config.admin.password.length).to.be.at.least(12);
      expect(config.token.generated).to.equal(true);
      expect(config.token.secret.length).to.be.at.least(32);
    });

    it('generates admin password and token secret anew on every start', function () {
      const a = loadConfig({});
      const b = loadConfig({});
      expect(a.admin.password).to.not.equal(b.admin.password);
      expect(a.token.secret).to.not.equal(b.token.secret);
    });

    it('has the queue and reward defaults of the original system', function () {
      const { queue, rewards, levelThresholds } = loadConfig({});
      expect(queue.maxAttempts).to.equal(3);
      expect(queue.concurrency).to.be.a('number').and.at.least(1);
      expect(queue.lockLimit).to.equal(queue.concurrency);
      expect(queue.lockLifetimeMs).to.be.above(0);
      expect(rewards).to.deep.include({ rewardBps: 1000, appRevenueBps: 5000, treeBps: 3500, slotBps: 500 });
      expect(levelThresholds).to.deep.equal({
        A: 1,
        B: 5_000,
        C: 10_000,
        D: 20_000,
        E: 40_000,
        F: 80_000,
        G: 160_000,
        H: 320_000,
        I: 640_000,
        J: 1_280_000,
      });
    });

    it('treats an empty variable as unset', function () {
      const config = loadConfig({ PORT: '', LOG_LEVEL: '', LEVEL_THRESHOLDS: '', TOKEN_SECRET: '' });
      expect(config.port).to.equal(3000);
      expect(config.logLevel).to.equal('info');
      expect(config.levelThresholds.B).to.equal(5_000);
      expect(config.token.generated).to.equal(true);
    });
  });

  describe('overrides', function () {
    it('reads every documented variable', function () {
      const config = loadConfig({
        PORT: '8080',
        MONGODB_URI: 'mongodb://db.internal:27017/?replicaSet=rs0',
        RUN_WORKER: 'false',
        LOG_LEVEL: 'debug',
        ADMIN_USERNAME: 'ops',
        ADMIN_PASSWORD: 'correct-horse-battery',
        TOKEN_SECRET: SECRET,
        JOB_CONCURRENCY: '4',
        REWARD_BPS: '2000',
        LEVEL_THRESHOLDS: 'A=10,B=20',
      });
      expect(config.port).to.equal(8080);
      expect(config.mongodbUri).to.equal('mongodb://db.internal:27017/?replicaSet=rs0');
      expect(config.runWorker).to.equal(false);
      expect(config.logLevel).to.equal('debug');
      expect(config.admin).to.deep.equal({ username: 'ops', password: 'correct-horse-battery', generated: false });
      expect(config.token.secret).to.equal(SECRET);
      expect(config.token.generated).to.equal(false);
      expect(config.queue.concurrency).to.equal(4);
      expect(config.queue.lockLimit).to.equal(4);
      expect(config.rewards.rewardBps).to.equal(2000);
      expect(config.levelThresholds).to.include({ A: 10, B: 20, C: 10_000 });
    });

    it('audits the books nightly off-peak by default, or as set', function () {
      expect(loadConfig({}).books).to.deep.equal({ auditEvery: '30 3 * * *', settleMs: 3_600_000 });
      expect(loadConfig({ AUDIT_EVERY: '6 hours', LEDGER_SETTLE_MS: '600000' }).books).to.deep.equal({ auditEvery: '6 hours', settleMs: 600_000 });
      expect(loadConfig({ AUDIT_EVERY: '*/15 1-5 * * 1,3' }).books.auditEvery).to.equal('*/15 1-5 * * 1,3');
    });

    it('is frozen', function () {
      expect(Object.isFrozen(loadConfig({}))).to.equal(true);
    });
  });

  describe('invalid values stop the start, naming the variable', function () {
    const cases: [string, Record<string, string>, string][] = [
      ['PORT=abc', { PORT: 'abc' }, 'PORT'],
      ['PORT out of range', { PORT: '70000' }, 'PORT'],
      ['PORT fractional', { PORT: '80.5' }, 'PORT'],
      ['JOB_CONCURRENCY=0', { JOB_CONCURRENCY: '0' }, 'JOB_CONCURRENCY'],
      ['JOB_MAX_ATTEMPTS=0', { JOB_MAX_ATTEMPTS: '0' }, 'JOB_MAX_ATTEMPTS'],
      ['JOB_LOCK_LIFETIME_MS too short', { JOB_LOCK_LIFETIME_MS: '10' }, 'JOB_LOCK_LIFETIME_MS'],
      ['JOB_BACKOFF_FACTOR below 1', { JOB_BACKOFF_FACTOR: '0.5' }, 'JOB_BACKOFF_FACTOR'],
      ['REWARD_BPS=1.5', { REWARD_BPS: '1.5' }, 'REWARD_BPS'],
      ['REWARD_BPS above 100%', { REWARD_BPS: '10001' }, 'REWARD_BPS'],
      ['REWARD_BPS negative', { REWARD_BPS: '-1' }, 'REWARD_BPS'],
      ['APP_REVENUE_BPS + TREE_BPS above 100%', { APP_REVENUE_BPS: '7000', TREE_BPS: '4000' }, 'TREE_BPS'],
      ['SLOT_BPS above TREE_BPS', { SLOT_BPS: '4000' }, 'SLOT_BPS'],
      ['LEVEL_THRESHOLDS out of order', { LEVEL_THRESHOLDS: 'A=1,B=20000' }, 'LEVEL_THRESHOLDS'],
      ['LEVEL_THRESHOLDS equal neighbours', { LEVEL_THRESHOLDS: 'A=5,B=5' }, 'LEVEL_THRESHOLDS'],
      ['LEVEL_THRESHOLDS malformed', { LEVEL_THRESHOLDS: 'A:1;B:2' }, 'LEVEL_THRESHOLDS'],
      ['LEVEL_THRESHOLDS unknown level', { LEVEL_THRESHOLDS: 'K=1' }, 'LEVEL_THRESHOLDS'],
      ['LEVEL_THRESHOLDS beyond safe integers', { LEVEL_THRESHOLDS: 'J=99999999999999999999' }, 'LEVEL_THRESHOLDS'],
      ['TOKEN_SECRET short', { TOKEN_SECRET: 'short-secret' }, 'TOKEN_SECRET'],
      ['ADMIN_PASSWORD short', { ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'pw' }, 'ADMIN_PASSWORD'],
      ['ADMIN_USERNAME without ADMIN_PASSWORD', { ADMIN_USERNAME: 'ops' }, 'ADMIN_PASSWORD'],
      ['RUN_WORKER not a boolean', { RUN_WORKER: 'sometimes' }, 'RUN_WORKER'],
      ['LOG_LEVEL unknown', { LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
      ['NODE_ENV unknown', { NODE_ENV: 'staging' }, 'NODE_ENV'],
      ['MONGODB_URI not a MongoDB URI', { MONGODB_URI: 'http://localhost:27017' }, 'MONGODB_URI'],
      ['RECONCILE_EVERY not an interval', { RECONCILE_EVERY: 'soon' }, 'RECONCILE_EVERY'],
      ['AUDIT_EVERY neither an interval nor a cron line', { AUDIT_EVERY: 'nightly' }, 'AUDIT_EVERY'],
      ['AUDIT_EVERY a cron line of four fields', { AUDIT_EVERY: '30 3 * *' }, 'AUDIT_EVERY'],
      ['LEDGER_SETTLE_MS not longer than TRANSACTION_BUDGET_MS', { LEDGER_SETTLE_MS: '5000' }, 'LEDGER_SETTLE_MS'],
    ];
    for (const [label, env, variable] of cases) {
      it(`${label} → ConfigError naming ${variable}`, function () {
        expect(refused(env).message).to.contain(variable);
      });
    }
  });

  describe('production', function () {
    it('starts with admin credentials and a token secret from the environment', function () {
      const config = loadConfig(PRODUCTION);
      expect(config.isProduction).to.equal(true);
      expect(config.admin.generated).to.equal(false);
      expect(config.token.generated).to.equal(false);
    });

    for (const missing of ['ADMIN_USERNAME', 'ADMIN_PASSWORD', 'TOKEN_SECRET'] as const) {
      it(`refuses to start without ${missing}`, function () {
        const env: Record<string, string> = { ...PRODUCTION };
        delete env[missing];
        expect(refused(env).message).to.contain(missing).and.contain('production');
        expect(refused({ ...env, [missing]: '' }).message).to.contain(missing);
      });
    }
  });

  describe('secrets never appear in error messages', function () {
    it('hides an invalid TOKEN_SECRET or ADMIN_PASSWORD', function () {
      const secret = refused({ TOKEN_SECRET: 'my-short-secret' }).message;
      expect(secret).to.contain('TOKEN_SECRET').and.not.contain('my-short-secret');
      const password = refused({ ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'pw!' }).message;
      expect(password).to.contain('ADMIN_PASSWORD').and.not.contain('pw!');
      const long = 'p'.repeat(300);
      expect(refused({ ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: long }).message).to.not.contain(long);
    });

    it('hides the configured secrets when another variable is invalid', function () {
      const message = refused({ ...PRODUCTION, PORT: 'abc', REWARD_BPS: '1.5' }).message;
      expect(message).to.contain('PORT');
      for (const secret of [PRODUCTION.ADMIN_PASSWORD, PRODUCTION.TOKEN_SECRET]) expect(message).to.not.contain(secret);
      const later = refused({ ...PRODUCTION, LEVEL_THRESHOLDS: 'A=9,B=1' }).message;
      for (const secret of [PRODUCTION.ADMIN_PASSWORD, PRODUCTION.TOKEN_SECRET]) expect(later).to.not.contain(secret);
    });

    it('hides the password in an invalid MONGODB_URI', function () {
      for (const uri of ['mongo://app:hunter2-db-password@db.internal:27017', 'app:hunter2-db-password@db', 'mongo://app:hunter2/db-password@h@db']) {
        const message = refused({ MONGODB_URI: uri }).message;
        expect(message).to.contain('MONGODB_URI').and.not.contain('hunter2');
      }
    });
  });
});
