import type { CommandStartedEvent } from 'mongodb';
import type { TestSystem } from './system.js';

/** Counts the MongoDB commands (round trips) a system sends while `work` runs, by command name. */
export async function countCommands(sys: TestSystem, work: () => Promise<unknown>, filter: (e: CommandStartedEvent) => boolean = () => true): Promise<Record<string, number>> {
  const client = sys.ctx.database.connection.getClient();
  const counts: Record<string, number> = {};
  const listener = (event: CommandStartedEvent) => {
    if (event.databaseName === sys.dbName && filter(event)) counts[event.commandName] = (counts[event.commandName] ?? 0) + 1;
  };
  client.on('commandStarted', listener);
  try {
    await work();
  } finally {
    client.off('commandStarted', listener);
  }
  return counts;
}

export const total = (counts: Record<string, number>) => Object.values(counts).reduce((a, b) => a + b, 0);
