import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ADMIN, startTestSystem, type TestSystem } from '../support/system.js';
import { sources } from '../support/sources.js';

const run = promisify(execFile);

/** Issue 8, the newcomer path: `npm run seed` against a service on any port, and its printed lines pasted into a shell. */
describe('npm run seed and the lines it prints', function () {
  let sys: TestSystem;
  let printed = '';

  before(async function () {
    sys = await startTestSystem({ worker: true });
    // The README's command; SERVICE_URL names the service (its port is a free one, not 3000).
    const seeded = await run('npm', ['run', '--silent', 'seed'], {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', SERVICE_URL: sys.url!, ADMIN_PASSWORD: ADMIN.password },
      timeout: 60_000,
    });
    printed = seeded.stdout;
  });
  after(async () => sys?.shutdown());

  /** The shell lines of the "Try it" block, as a reader would paste them. */
  const snippet = () => {
    const block = printed.slice(printed.indexOf('Try it as'), printed.indexOf('The other buyers'));
    return block.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.slice(2)).join('\n');
  };
  // Pasted in a shell anywhere, not only in the project's folder.
  const elsewhere = mkdtempSync(join(tmpdir(), 'checkout-rewards-paste-'));
  const bash = (script: string) => run('bash', ['-c', script], { timeout: 30_000, cwd: elsewhere }).catch((e: { stdout: string; stderr: string; code: number }) => e);

  it('is a client of the service, not part of it: it lives in tools/seed/, and nothing in the service calls its own API', function () {
    expect(existsSync('tools/seed/seed.ts')).to.equal(true);
    const service = ['src', 'jobs', 'config'].flatMap(sources);
    expect(service.filter((f) => /\bfetch\(/.test(readFileSync(f, 'utf8')))).to.deep.equal([]);
  });

  it('finds the service through SERVICE_URL and seeds it', function () {
    expect(printed).to.contain(`Seeded ${sys.url}`);
    expect(printed).to.match(/KEY=demo-\w+-zoe/);
  });

  it('its lines are short enough to read before running them: no inline scripts, at most 110 characters of command', function () {
    const lines = snippet().split('\n');
    expect(lines.filter((l) => l.includes('node -e'))).to.deep.equal([]);
    const commands = lines.filter((l) => !l.startsWith('TOKEN=')).map((l) => l.replace(/\s+# .*$/, '').trimEnd());
    expect(commands.filter((l) => l.length > 110)).to.deep.equal([]);
  });

  it('its lines, pasted twice, pay the purchase once: checkout says processing, the poll ends completed, no TypeError', async function () {
    const first = await bash(snippet());
    expect(first.stderr, first.stderr).to.equal('');
    expect(first.stdout).to.match(/"rewards":\{"totalRewardPoints":\d+,"status":"processing"\}/);
    expect(first.stdout).to.match(/rewards: completed/);
    const second = await bash(snippet()); // the same key replays the same checkout
    expect(second.stderr).to.equal('');
    const ids = [...`${first.stdout}${second.stdout}`.matchAll(/transaction ([0-9a-f]{24})/g)].map((m) => m[1]);
    expect(new Set(ids).size).to.equal(1);
  });

  it('with a bad token or another key on the emptied cart, stops with the service\'s message instead of a TypeError', async function () {
    const badToken = await bash(snippet().replace(/TOKEN='[^']+'/, "TOKEN='nope'"));
    expect(badToken.stderr).to.contain('the service answered UNAUTHENTICATED');
    expect(badToken.stderr).to.not.contain('TypeError');
    const otherKey = await bash(snippet().replace(/KEY=\S+/, 'KEY=another-key'));
    expect(otherKey.stderr).to.contain('the service answered EMPTY_CART');
    expect(otherKey.stderr).to.not.contain('TypeError');
    const noService = await bash(snippet().replace(/BASE=\S+/, 'BASE=http://127.0.0.1:9'));
    expect(noService.stderr).to.contain('not a JSON answer: is the service running at this BASE?');
  });
});
