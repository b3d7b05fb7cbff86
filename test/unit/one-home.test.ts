import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { JOB_STATES } from '../../src/admin/agendash-view.js';
import { REWARD_STATUSES } from '../../src/purchases/lifecycle.js';
import { LEVELS } from '../../src/rewards/rules.js';
import { code, sources } from '../support/sources.js';

/** The files of `dirs` (other than `home`) whose code matches `pattern`. */
function copiesOf(pattern: RegExp, dirs: string[], home: string[]): string[] {
  return dirs.flatMap(sources).filter((f) => !home.includes(f) && pattern.test(code(f)));
}

/** Runs of two or more string literals separated by commas: an array's items, or a call's arguments. */
function literalLists(text: string): string[][] {
  return [...text.matchAll(/(?:'[\w-]+'\s*,\s*)+'[\w-]+'/g)].map((m) => [...m[0].matchAll(/'([\w-]+)'/g)].map((w) => w[1]!));
}

/** The files of `dirs` (other than `home`) that list two or more of `words` where `mustHave` says so. */
function listsOf(words: readonly string[], dirs: string[], home: string[], mustHave: (found: string[]) => boolean): string[] {
  return dirs.flatMap(sources).filter((f) => !home.includes(f) && literalLists(code(f)).some((list) => {
    const found = list.filter((w) => words.includes(w));
    return found.length >= 2 && mustHave(found);
  }));
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

  it('the levels are listed in src/rewards/rules.ts only (LEVELS)', function () {
    expect(listsOf(LEVELS, ['src', 'config', 'jobs'], ['src/rewards/rules.ts'], () => true)).to.deep.equal([]);
    expect(copiesOf(/\[A-J\]/, ['src', 'config', 'jobs'], []), 'a character class of the levels').to.deep.equal([]);
  });

  it('the purchase rewards statuses, and groups of them, are listed in src/purchases/lifecycle.ts only', function () {
    // 'completed' and 'failed' are also Agenda's job states: a list of job states is not a copy.
    const rewardsOnly = (found: string[]) => found.some((w) => !(JOB_STATES as readonly string[]).includes(w));
    expect(listsOf(REWARD_STATUSES, ['src', 'config', 'jobs'], ['src/purchases/lifecycle.ts'], rewardsOnly)).to.deep.equal([]);
  });

  it('the OpenAPI document states no enum of its own: each is the constant the code uses, imported', function () {
    const own = readFileSync('src/http/openapi/schemas.ts', 'utf8').match(/\benum:\s*\[\s*['"][^\]]*\]/g) ?? [];
    // EnsureOutcome is a type in src/infra/queue/ensure-purchase-job.ts, not a constant yet (that folder is being changed elsewhere).
    expect(own).to.deep.equal(["enum: ['revived', 'created', 'waiting']"]);
    expect(copiesOf(/\benum:\s*\[\s*['"]/, ['src/http/openapi'], ['src/http/openapi/schemas.ts'])).to.deep.equal([]);
  });

  it('the safe-integer guard of money is src/shared/money.ts: no other code names MAX_SAFE_INTEGER', function () {
    expect(copiesOf(/MAX_SAFE_INTEGER/, ['src', 'jobs'], ['src/shared/money.ts'])).to.deep.equal([]);
  });
});
