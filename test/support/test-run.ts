import type { ServerCapabilities } from '../../src/infra/database/capabilities.js';

export interface CapabilitySkip {
  test: string;
  capability: string;
  reason: string;
}

/** State of the whole test run, shared with the summary reporter through globalThis. */
export interface TestRun {
  /** ferretdbPort: FerretDB behind the replica-set front, for fault tests that start a front of their own. */
  mongo?: { uri: string; capabilities: ServerCapabilities; description: string; ferretdbPort?: number };
  capabilitySkips: CapabilitySkip[];
  resolveOnce?: () => Promise<{ uri: string; capabilities: ServerCapabilities }>;
}

const key = '__checkoutRewardsTestRun';
const g = globalThis as unknown as Record<string, TestRun | undefined>;
export const testRun: TestRun = (g[key] ??= { capabilitySkips: [] });

export async function testMongo(): Promise<{ uri: string; capabilities: ServerCapabilities }> {
  if (!testRun.resolveOnce) throw new Error('test/support/root-hooks.ts is not loaded (run through .mocharc.json)');
  return testRun.resolveOnce();
}

/** Every server the tests run on has transactions and atomic updates; only change streams may be missing (the front over FerretDB). */
export type Capability = 'changeStreams';

const WHY: Record<Capability, string> = {
  changeStreams: 'needs change streams (a MongoDB replica set; the front over FerretDB refuses $changeStream)',
};

/**
 * A guarantee that this server can't prove: skip with the reason printed, never fake it.
 * Call as the first line of the test.
 */
export async function requireCapability(ctx: Mocha.Context, ...capabilities: Capability[]): Promise<void> {
  const { capabilities: caps } = await testMongo();
  const missing = capabilities.filter((c) => !caps[c]);
  if (missing.length === 0) return;
  const server = `${caps.kind} ${caps.version}`;
  for (const capability of missing) {
    const reason = `${WHY[capability]}; ${server} lacks it`;
    testRun.capabilitySkips.push({ test: ctx.test?.fullTitle() ?? '?', capability, reason });
  }
  if (ctx.test) ctx.test.title += ` [skipped: ${missing.map((m) => WHY[m]).join('; ')} — not available on ${server}]`;
  ctx.skip();
}
