import type { CommandStartedEvent } from 'mongodb';
import { countCommands as countClientCommands, totalOf } from '../../bench/support/commands.js';
import type { TestSystem } from './system.js';

/** Counts the MongoDB commands (round trips) a system sends while `work` runs, by command name — as the benchmark does. */
export function countCommands(sys: TestSystem, work: () => Promise<unknown>, filter?: (e: CommandStartedEvent) => boolean): Promise<Record<string, number>> {
  return countClientCommands(sys.ctx.database.connection.getClient(), sys.dbName, work, filter);
}

export const total = totalOf;
