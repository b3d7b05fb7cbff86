import { expect } from 'chai';
import { ESLint } from 'eslint';

/**
 * The data-access seam (issue 15, item 2; src/data-access.ts): in the capability folders and the
 * job definitions only `data/` touches the database, and the ESLint rule keeps it so. These tests
 * show the rule refusing each way around the seam — so `npm run lint` passing means something —
 * and the tree holding it.
 */
describe('the data-access seam, enforced by the linter', function () {
  this.timeout(60_000);
  const eslint = new ESLint();
  const SEAM_RULES = ['@typescript-eslint/no-restricted-imports', 'no-restricted-syntax'];

  async function seamErrors(code: string, filePath: string): Promise<string[]> {
    const [result] = await eslint.lintText(code, { filePath });
    return result!.messages.filter((m) => SEAM_RULES.includes(m.ruleId ?? '')).map((m) => `${m.line}: ${m.message}`);
  }

  const refused: [string, string][] = [
    ['mongoose in a use case', "import mongoose from 'mongoose';\nexport const x = mongoose;\n"],
    ["mongoose's types in a use case", "import type { ClientSession } from 'mongoose';\nexport type S = ClientSession;\n"],
    ['the driver in a use case', "import { ObjectId } from 'mongodb';\nexport const id = new ObjectId();\n"],
    ['a value from the models', "import { ObjectId } from '../infra/database/models.js';\nexport const id = new ObjectId();\n"],
    ['the ledger writer', "import { insertLedgerEntries } from '../infra/database/insert-entries.js';\nexport const f = insertLedgerEntries;\n"],
    ['a model through the context', "export const f = (ctx: { database: { models: { User: { find(): unknown } } } }) => ctx.database.models.User.find();\n"],
    ["the session-level unit of work", "export const f = (ctx: { database: { unitOfWork: unknown } }) => ctx.database.unitOfWork;\n"],
    ["a unit's session", "export const f = (tx: { session: unknown }) => tx.session;\n"],
    ['models passed around', "import type { Models } from '../infra/database/models.js';\nexport const f = (models: Models) => models;\n"],
  ];
  for (const [what, code] of refused) {
    it(`refuses ${what} in src/checkout/, src/books/checks/ and jobs/`, async function () {
      for (const file of ['src/checkout/example.ts', 'src/books/checks/example.ts', 'jobs/example.ts']) {
        expect(await seamErrors(code, file), file).to.have.length.greaterThan(0);
      }
    });
  }

  it("allows the documents' types in a use case, and anything in a data/ folder", async function () {
    expect(await seamErrors("import type { LedgerDoc } from '../infra/database/models.js';\nexport const f = (p: LedgerDoc) => p.amount;\n", 'src/checkout/example.ts')).to.deep.equal([]);
    for (const [, code] of refused) expect(await seamErrors(code, 'src/checkout/data/example.ts'), code).to.deep.equal([]);
  });

  it('holds in the tree: no use case or job definition reaches past the seam', async function () {
    const results = await eslint.lintFiles(['src/**/*.ts', 'jobs/**/*.ts']);
    const crossings = results.flatMap((r) => r.messages.filter((m) => SEAM_RULES.includes(m.ruleId ?? '')).map((m) => `${r.filePath.replace(process.cwd() + '/', '')}:${m.line} ${m.message}`));
    expect(results.length).to.be.greaterThan(50);
    expect(crossings).to.deep.equal([]);
  });
});
