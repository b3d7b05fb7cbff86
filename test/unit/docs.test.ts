import { execFile } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { report } from '../../tools/seed/report.js';
import { TREE, type DemoBuyer } from '../../tools/seed/demo-shop.js';
import { configVariables } from '../support/config-variables.js';
import { anchors, codeBlocks, docFiles, links, prose, read, tableAfter } from '../support/markdown.js';

const run = promisify(execFile);
const PROJECT = normalize(join(dirname(fileURLToPath(import.meta.url)), '..', '..'));

/** Source files whose comments and messages point into the docs. */
function sourceFiles(): string[] {
  const code = ['src', 'jobs', 'config', 'tools', 'test', 'bench'].flatMap((dir) =>
    readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .map((f) => join(dir, f))
      .filter((f) => /\.(ts|mjs|cjs)$/.test(f) && !f.endsWith('docs.test.ts')),
  );
  return [...code, '.env.example', 'docker-compose.yml', 'ecosystem.config.cjs', 'Dockerfile', '.ci/run'];
}

/** Paths of the repository named in inline code or code blocks: `src/…`, `test/…`, `docs/…`, …. */
function namedPaths(markdown: string): string[] {
  const code = [...markdown.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!).join('\n') + '\n' + codeBlocks(markdown).flatMap((b) => b.lines).join('\n');
  return [...code.matchAll(/(?:^|[\s('"=])((?:src|test|tools|jobs|config|bench|docs)\/[\w./-]*[\w/])/gm)].map((m) => m[1]!);
}

/**
 * Issue 17: the docs stay true to the repository, and their commands stay runnable.
 *
 * Run for real: the blocks marked `<!-- docs-test: run -->` (in docs/operating.md and docs/api.md),
 * line by line in bash from the project's folder, each line's output compared with its `# → …`
 * comment and its exit code with `(exit N)` (else 0). Those lines are cheap, local and change
 * nothing: `npm run db -- --help` and `tools/json-field.mjs` on sample answers.
 *
 * Only checked, not run: every other block. They need a running service (curl, the seed's lines —
 * which test/http/seed.test.ts pastes into bash; here they are checked to be the seed's own lines),
 * a database they would write to (`npm run migrate`, `npm run audit:books`, `npm run db`), hours
 * (`npm run bench`, the chaos runs), Docker, pm2, mongosh, or credentials. For them every
 * `npm run X` must be a script of package.json, and every path they name must exist.
 */
describe('the docs', function () {
  const files = docFiles();

  it('are the README, bench/README.md and the pages of docs/, among them the contract, the testing guide and the decision records', function () {
    for (const page of ['docs/spec.md', 'docs/testing.md', 'docs/layout.md', 'docs/operating.md']) expect(files).to.include(page);
    expect(files.filter((f) => f.startsWith('docs/adr/'))).to.have.length.greaterThanOrEqual(8);
  });

  it('link only to files that exist, and to headings that exist', function () {
    const broken: string[] = [];
    for (const file of files) {
      for (const target of links(read(file))) {
        if (/^[a-z]+:/i.test(target)) continue; // http(s), mailto
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const resolved = path === '' ? file : normalize(join(dirname(file), path));
        if (!existsSync(resolved)) {
          broken.push(`${file}: ${target} (no ${resolved})`);
          continue;
        }
        if (anchor && statSync(resolved).isFile() && resolved.endsWith('.md') && !anchors(read(resolved)).has(anchor)) {
          broken.push(`${file}: ${target} (no heading #${anchor} in ${resolved})`);
        }
      }
    }
    expect(broken).to.deep.equal([]);
  });

  it('name only paths that exist', function () {
    const missing = files.flatMap((file) => namedPaths(read(file)).filter((p) => !existsSync(p)).map((p) => `${file}: ${p}`));
    expect(missing).to.deep.equal([]);
  });

  it('name only npm scripts that package.json has', function () {
    const scripts = Object.keys((JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts);
    const named = files.flatMap((file) => [...read(file).matchAll(/\bnpm run(?:\s+--silent)?\s+([a-z][\w:-]*[\w])/g)].map((m) => ({ file, script: m[1]! })));
    expect(named.length).to.be.greaterThan(20);
    expect(named.filter(({ script }) => !scripts.includes(script)).map(({ file, script }) => `${file}: npm run ${script}`)).to.deep.equal([]);
  });

  it('list in the configuration table exactly the variables config/index.ts reads', function () {
    const rows = tableAfter(read('docs/operating.md'), '## Configuration');
    const documented = rows.flatMap((cells) => [...cells[0]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
    const read_ = configVariables();
    expect(documented.filter((v) => !read_.includes(v)), 'documented, but config/index.ts does not read them').to.deep.equal([]);
    expect(read_.filter((v) => !documented.includes(v)), 'read by config/index.ts, but not documented').to.deep.equal([]);
    const contract = tableAfter(read('docs/spec.md'), '## 9. Configuration (environment)').flatMap((cells) => [...cells[0]!.matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1]!));
    expect(contract).to.have.length.greaterThan(5);
    expect(contract.filter((v) => !read_.includes(v))).to.deep.equal([]);
  });

  it('lay out every folder of src/', function () {
    const layout = prose(read('docs/layout.md'));
    const folders = readdirSync('src', { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => `src/${d.name}/`);
    expect(folders.filter((f) => !layout.includes(`\`${f}\``))).to.deep.equal([]);
  });

  it('are where the code points: every docs/… file it names exists, every docs/spec.md §N is a section, and SPEC.md and TESTING.md are no longer named', function () {
    const sections = new Set([...read('docs/spec.md').matchAll(/^## (\d+)\. /gm)].map((m) => m[1]!));
    const problems: string[] = [];
    for (const file of [...sourceFiles(), ...files]) {
      const text = read(file);
      for (const [, page] of text.matchAll(/\b(docs\/[\w./-]*\.md)\b/g)) if (!existsSync(page!)) problems.push(`${file}: ${page} does not exist`);
      for (const [, refs] of text.matchAll(/docs\/spec\.md ((?:§\d+(?:[/, –-]+(?:and )?)?)+)/g)) {
        for (const [, n] of refs!.matchAll(/§(\d+)/g)) if (!sections.has(n!)) problems.push(`${file}: docs/spec.md §${n} is no section`);
      }
      const old = ['SPEC', 'TESTING'].map((w) => new RegExp(`\\b${w}(\\.md\\b| §)`));
      if (old.some((re) => re.test(text))) problems.push(`${file}: still names SPEC.md or TESTING.md`);
    }
    expect(problems).to.deep.equal([]);
  });

  it('give in the README\'s "Try it" the lines npm run seed prints (test/http/seed.test.ts runs those)', function () {
    const zoe = TREE.find((m) => m.key === 'zoe')!;
    const buyer: DemoBuyer = { member: zoe, id: 'ZOE-ID', email: 'zoe@demo.example', token: '<token printed by the seed>', cartTotal: 1, walletBalance: 1 };
    const printed = report({ baseUrl: 'http://127.0.0.1:3000', adminUser: 'admin', adminPassword: '' }, '<run>', new Map([[zoe.key, buyer]]), [buyer]);
    const command = (line: string) => line.replace(/\s+# .*$/, '').trimEnd();
    const seedLines = new Set(
      printed
        .slice(printed.indexOf('Try it as'), printed.indexOf('The other buyers'))
        .split('\n')
        .filter((l) => l.startsWith('  '))
        .map((l) => command(l.slice(2)).replaceAll(PROJECT, '<project>')),
    );
    const readme = read('README.md');
    const tryIt = readme.slice(readme.indexOf('### Try it'), readme.indexOf('### What a purchase'));
    const pasted = codeBlocks(tryIt).find((b) => b.lines.some((l) => l.startsWith('BASE=')))!;
    const lines = pasted.lines.map(command).filter((l) => l !== '' && !l.startsWith('#'));
    expect(lines.length).to.be.greaterThan(10);
    expect(lines.filter((l) => !seedLines.has(l))).to.deep.equal([]);
  });

  describe('the blocks marked to run', function () {
    const runnable = files.flatMap((file) => codeBlocks(read(file)).filter((b) => b.marker === 'docs-test: run').flatMap((b) => b.lines.filter((l) => l.trim() !== '').map((line) => ({ file, line }))));

    it('exist, and every line says what it prints', function () {
      expect(runnable.length).to.be.greaterThanOrEqual(4);
      expect(runnable.filter(({ line }) => !line.includes('# → ')).map(({ file, line }) => `${file}: ${line}`)).to.deep.equal([]);
    });

    for (const { file, line } of runnable) {
      const [command, said] = line.split(/\s+# → /) as [string, string];
      const exit = Number(/\(exit (\d+)\)\s*$/.exec(said)?.[1] ?? 0);
      const expected = said.replace(/\s*\(exit \d+\)\s*$/, '');
      it(`${file}: ${command.trim()}`, async function () {
        this.timeout(60_000);
        const result = await run('bash', ['-c', command], { cwd: PROJECT, timeout: 50_000 }).then(
          (r) => ({ ...r, code: 0 }),
          (e: { stdout: string; stderr: string; code: number }) => e,
        );
        expect(result.code, result.stderr).to.equal(exit);
        expect(`${result.stdout}${result.stderr}`).to.contain(expected);
      });
    }
  });
});
