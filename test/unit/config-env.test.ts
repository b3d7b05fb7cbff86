import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ConfigError, loadConfig, readDbCommandSettings, readEarlyLogSettings } from '../../config/index.js';
import { sources } from '../support/sources.js';

const run = promisify(execFile);


describe('config/ is the only reader of the environment', function () {
  it('nothing in src/ or jobs/ reads process.env', function () {
    // (The development database, tools/dev-database, is a tool: it reads PATH for Go.)
    const readers = ['src', 'jobs'].flatMap(sources)
      .filter((file) => /process\.env\b/.test(readFileSync(file, 'utf8')));
    expect(readers).to.deep.equal([]);
  });

  it('the logger, before the configuration is loaded: LOG_LEVEL and NODE_ENV, an invalid value ignored until loadConfig refuses it', function () {
    expect(readEarlyLogSettings({})).to.deep.equal({ level: 'info', json: false });
    expect(readEarlyLogSettings({ LOG_LEVEL: 'debug', NODE_ENV: 'production' })).to.deep.equal({ level: 'debug', json: true });
    expect(readEarlyLogSettings({ LOG_LEVEL: 'loud', NODE_ENV: 'staging' })).to.deep.equal({ level: 'info', json: false });
    expect(() => loadConfig({ LOG_LEVEL: 'loud' })).to.throw(ConfigError, /Invalid LOG_LEVEL="loud"/);
  });

  it('npm run db: DB_PORT and MONGODB_URI, validated, naming the variable', function () {
    expect(readDbCommandSettings({})).to.deep.equal({ port: undefined, mongodbUri: undefined });
    expect(readDbCommandSettings({ DB_PORT: ' 27018 ', MONGODB_URI: ' mongodb://127.0.0.1:27017/ ' })).to.deep.equal({ port: 27018, mongodbUri: 'mongodb://127.0.0.1:27017/' });
    expect(() => readDbCommandSettings({ DB_PORT: 'abc' })).to.throw(ConfigError, /Invalid DB_PORT="abc"/);
    expect(() => readDbCommandSettings({ DB_PORT: '70000' })).to.throw(ConfigError, /Invalid DB_PORT="70000"/);
    expect(() => readDbCommandSettings({ MONGODB_URI: 'http://x' })).to.throw(ConfigError, /Invalid MONGODB_URI="http:\/\/x"/);
  });

  it('npm run db with a bad DB_PORT stops at once, naming it', async function () {
    this.timeout(30_000);
    const result = await run(process.execPath, ['--import', 'tsx', 'tools/dev-database/db.ts'], { env: { PATH: process.env.PATH ?? '', DB_PORT: 'abc' }, timeout: 20_000 }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect(result).to.include({ code: 2 });
    expect(result.stderr).to.contain('Invalid DB_PORT="abc"');
  });
});
