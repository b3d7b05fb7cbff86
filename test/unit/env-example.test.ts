import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { loadConfig } from '../../config/index.js';
import { configVariables } from '../support/config-variables.js';

/** Reads `NAME=value` lines, skipping comments. */
function exampleEnv(): Record<string, string> {
  const lines = readFileSync('.env.example', 'utf8').split('\n').filter((l) => /^[A-Z_]+=/.test(l));
  return Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
}

describe('.env.example', function () {
  it('lists every variable config/index.ts reads, and no other', function () {
    const read = configVariables();
    expect(read.length).to.be.greaterThan(30);
    expect(Object.keys(exampleEnv()).sort()).to.deep.equal([...read].sort());
  });

  it('gives the defaults: loaded as it is, it configures exactly what an empty environment does', function () {
    const { admin: a, token: t, ...fromExample } = loadConfig(exampleEnv());
    const { admin: b, token: u, ...fromNothing } = loadConfig({});
    expect(fromExample).to.deep.equal(fromNothing);
    expect([a.generated, t.generated, b.generated, u.generated]).to.deep.equal([true, true, true, true]);
  });
});
