import type { CommandStartedEvent, MongoClient } from 'mongodb';

export type CommandCounts = Record<string, number>;

export const totalOf = (counts: CommandCounts) => Object.values(counts).reduce((a, b) => a + b, 0);

/**
 * Counts the commands a system's client sends to the bench database while `work` runs, by
 * command name — the driver's command monitoring (`monitorCommands` is on in the service's
 * connection), so the same count on every server. Nothing else may use that client meanwhile.
 * The round-trip tests count with it too (test/support/command-counter.ts).
 */
export async function countCommands(
  client: MongoClient,
  dbName: string,
  work: () => Promise<unknown>,
  filter: (event: CommandStartedEvent) => boolean = () => true,
): Promise<CommandCounts> {
  const counts: CommandCounts = {};
  const listener = (event: CommandStartedEvent) => {
    if (event.databaseName === dbName && filter(event)) counts[event.commandName] = (counts[event.commandName] ?? 0) + 1;
  };
  client.on('commandStarted', listener);
  try {
    await work();
  } finally {
    client.off('commandStarted', listener);
  }
  return counts;
}

/** Adds up the counts of several clients over a longer run (e.g. every worker's during a burst). */
export class CommandTally {
  readonly counts: CommandCounts = {};
  private readonly detach: (() => void)[] = [];

  constructor(clients: MongoClient[], dbName: string) {
    for (const client of clients) {
      const listener = (event: CommandStartedEvent) => {
        if (event.databaseName === dbName) this.counts[event.commandName] = (this.counts[event.commandName] ?? 0) + 1;
      };
      client.on('commandStarted', listener);
      this.detach.push(() => client.off('commandStarted', listener));
    }
  }

  stop(): CommandCounts {
    this.detach.forEach((off) => off());
    return this.counts;
  }
}

/** `find 2, insert 2, update 1` — by name, most first. */
export const describeCounts = (counts: CommandCounts, per = 1) =>
  Object.entries(counts)
    .sort((a, b) => b[1] - a[1])
    .map(([name, n]) => `${name} ${Math.round((n / per) * 10) / 10}`)
    .join(', ');
