import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { ensureDebianPackages } from '../support/apt.js';
import { configVariables } from '../support/config-variables.js';

/** `docker compose` (v2 plugin) or `docker-compose` (v1), whichever this machine has. */
function composeCommand(): string[] | null {
  if (spawnSync('docker', ['compose', 'version'], { encoding: 'utf8' }).status === 0) return ['docker', 'compose'];
  if (spawnSync('docker-compose', ['version'], { encoding: 'utf8' }).status === 0) return ['docker-compose'];
  return null;
}

/**
 * Issue 8: docker-compose.yml is checked as far as a machine without a Docker engine allows:
 * `config` parses and interpolates it (no engine needed). No image is built, nothing started.
 */
describe('docker-compose.yml', function () {
  this.timeout(30_000);
  let compose: string[] | null = null;
  const secrets = { ADMIN_PASSWORD: 'compose-check-password', TOKEN_SECRET: 'compose-check-token-secret-0123456789' };
  const config = (env: Record<string, string>) => {
    const [cmd, ...args] = compose!;
    return spawnSync(cmd!, [...args, 'config'], { encoding: 'utf8', env: { PATH: process.env.PATH, ...env }, timeout: 20_000 });
  };

  before(function () {
    this.timeout(11 * 60_000); // apt-get may install docker-compose first (each apt step bounded to 5 min)
    const why = ensureDebianPackages(['docker-compose'], () => (compose = composeCommand()) !== null);
    if (why) {
      console.log(`      skipped: neither \`docker compose\` nor \`docker-compose\` is installed, and ${why}`);
      this.skip();
    }
  });

  it('is valid: three mongod in replica set rs0, an init that runs rs.initiate, the API (RUN_WORKER=false) and workers', function () {
    const out = config(secrets);
    expect(out.status, out.stderr).to.equal(0);
    for (const service of ['mongo1:', 'mongo2:', 'mongo3:', 'mongo-init:', 'migrate:', 'api:', 'worker:']) expect(out.stdout).to.contain(`  ${service}`);
    expect(out.stdout.match(/--replSet/g)).to.have.length(3);
    expect(out.stdout).to.contain('rs.initiate');
    expect(out.stdout).to.contain('mongodb://mongo1:27017,mongo2:27017,mongo3:27017/?replicaSet=rs0');
    expect(out.stdout).to.match(/RUN_WORKER: ["']?false/);
    expect(out.stdout).to.contain('service_completed_successfully');
    expect(out.stdout).to.contain('dist/src/migrate.js');
  });

  it('refuses to start without the production secrets', function () {
    const out = config({});
    expect(out.status).to.not.equal(0);
    expect(out.stderr).to.contain('ADMIN_PASSWORD');
  });

  it('sets only variables the configuration reads', function () {
    const known = new Set(configVariables());
    const set = [...readFileSync('docker-compose.yml', 'utf8').matchAll(/^ {4}([A-Z_]+): /gm)].map((m) => m[1]!);
    expect(set.length).to.be.greaterThan(5);
    expect(set.filter((name) => !known.has(name))).to.deep.equal([]);
  });
});
