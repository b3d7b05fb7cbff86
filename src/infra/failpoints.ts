/**
 * Named places in the code where a fault test can make a real process stop for a while — long
 * enough to be SIGKILLed exactly there (e.g. between a rewards run's ledger entries and its
 * `completed` mark). Configured by FAILPOINTS (`name=pauseMs,…`), refused in production; with no
 * failpoint set, `hit` is a no-op.
 */
export class Failpoints {
  constructor(private readonly pauses: ReadonlyMap<string, number> = new Map()) {}

  async hit(name: string): Promise<void> {
    const pauseMs = this.pauses.get(name);
    if (pauseMs === undefined) return;
    process.stderr.write(`failpoint ${name}: pausing ${pauseMs} ms\n`);
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

export const FAILPOINT_NAMES = ['rewards.afterLedgerEntries'] as const;

/** Parses `name=pauseMs,…`; returns the problem, or the map. */
export function parseFailpoints(raw: string): Map<string, number> | string {
  const pauses = new Map<string, number>();
  for (const part of raw.split(',')) {
    const [name, ms] = part.split('=');
    if (!(FAILPOINT_NAMES as readonly string[]).includes(name ?? '')) return `unknown failpoint ${JSON.stringify(name)} (known: ${FAILPOINT_NAMES.join(', ')})`;
    if (!/^\d{1,7}$/.test(ms ?? '')) return `failpoint ${name} needs a pause in ms, e.g. ${name}=3000`;
    pauses.set(name!, Number(ms));
  }
  return pauses;
}
