import { existsSync } from 'node:fs';
import { expect } from 'chai';
import { importsOf, sources } from '../support/sources.js';

const CAPABILITIES = ['accounts', 'admin', 'books', 'cart', 'catalog', 'checkout', 'ops', 'purchases', 'refunds', 'rewards', 'wallet'];
const capabilityOf = (module: string) => CAPABILITIES.find((c) => module.startsWith(`src/${c}/`));

/**
 * src/http/ is the toolkit capabilities import (validation, paging, auth, JSON bodies, security
 * headers, error mapping, request log) and the API's reference (openapi/, served by docs.ts);
 * the app is composed in src/app.ts, beside the composition root, from the routes each
 * capability exports (issue 15, item 5).
 */
describe('the HTTP toolkit and the app composed from the capabilities', function () {
  it('the toolkit (src/http/, but the API description in openapi/ that names their enums) imports no capability and not the app', function () {
    const toolkit = sources('src/http').filter((f) => !f.startsWith('src/http/openapi/'));
    const upward = toolkit.flatMap((f) => importsOf(f).filter((m) => capabilityOf(m) || m === 'src/app.ts').map((m) => `${f} → ${m}`));
    expect(upward).to.deep.equal([]);
  });

  it("a capability's routes are mounted by src/app.ts only (and the ops routes by the worker's ops app): no capability hosts another's", function () {
    const mounters = ['src', 'jobs'].flatMap(sources).flatMap((f) =>
      importsOf(f)
        .filter((m) => /^src\/[^/]+\/routes\.ts$/.test(m) && capabilityOf(m) !== capabilityOf(f))
        .map((m) => `${f} → ${m}`),
    );
    expect(mounters.sort()).to.deep.equal(
      CAPABILITIES.filter((c) => existsSync(`src/${c}/routes.ts`))
        .map((c) => `src/app.ts → src/${c}/routes.ts`)
        .sort(),
    );
  });
});
