import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';

/** Every TypeScript file under `dir`, as `dir/…` paths. */
function sources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => path.join(dir, f).split(path.sep).join('/'))
    .sort();
}

/** The code of a file without its comments, so that a comment may name what it explains. */
function code(file: string): string {
  return readFileSync(file, 'utf8')
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

/** The files of `dirs` (other than `home`) whose code matches `pattern`. */
function copiesOf(pattern: RegExp, dirs: string[], home: string[]): string[] {
  return dirs.flatMap(sources).filter((f) => !home.includes(f) && pattern.test(code(f)));
}

/**
 * Each piece of knowledge has one home (issue 15, item 4): a second copy drifts from the first
 * without anyone noticing. These scans fail when one creeps back.
 */
describe('one home for each piece of knowledge', function () {
  it('job states are told from the queue filters and Agenda computeJobState, not restated on failCount or failedAt outside src/infra/queue/', function () {
    const restated = copiesOf(/\b(failCount|failedAt)\s*:\s*\{\s*\$/, ['src', 'jobs'], []).filter((f) => !f.startsWith('src/infra/queue/'));
    expect(restated).to.deep.equal([]);
  });
});
