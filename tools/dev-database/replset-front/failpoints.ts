/**
 * Faults on demand through MongoDB's own test command, `configureFailPoint`, with the
 * `failCommand` fail point as the drivers' specification tests use it
 * (mongodb/specifications, source/transactions/tests/README.md, "failCommand"), so a fault test
 * written for the front also runs against a mongod started with `enableTestCommands`.
 *
 * One fail point of the front's own, named so that it can't be taken for MongoDB's:
 * `frontCloseConnectionAfterApply` — the listed command is applied, then the connection is
 * closed before its answer is sent (a write that happened, with its answer lost).
 */
import type { Document } from 'mongodb';
import { errorReply } from './errors.js';
import { num, truthy } from './wire.js';

export const FAIL_COMMAND = 'failCommand';
export const CLOSE_AFTER_APPLY = 'frontCloseConnectionAfterApply';
const KNOWN = new Set([FAIL_COMMAND, CLOSE_AFTER_APPLY]);

export interface FailCommandData {
  failCommands: string[];
  errorCode?: number;
  errorLabels?: string[];
  closeConnection?: boolean;
  blockConnection?: boolean;
  blockTimeMS?: number;
  writeConcernError?: Document;
  appName?: string;
  errmsg?: string;
}

interface Armed {
  /** Remaining activations (Infinity for alwaysOn). */
  times: number;
  /** Matching commands to let through first. */
  skip: number;
  data: FailCommandData;
}

export class FailPoints {
  private armed = new Map<string, Armed>();

  /** `configureFailPoint`: arms or disarms one; answers like mongod (`count` = times it fired so far is not tracked). */
  configure(command: Document): Document {
    const name = String(command.configureFailPoint);
    if (!KNOWN.has(name)) {
      return errorReply(72, `the replica-set front has no fail point ${name}`);
    }
    const mode = command.mode;
    if (mode === 'off') {
      this.armed.delete(name);
      return { count: 0, ok: 1 };
    }
    const raw = (command.data ?? {}) as Document;
    const failCommands = Array.isArray(raw.failCommands) ? raw.failCommands.map(String) : [];
    if (failCommands.length === 0) return errorReply(2, 'data.failCommands is required');
    const data: FailCommandData = {
      failCommands,
      errorCode: num(raw.errorCode),
      errorLabels: Array.isArray(raw.errorLabels) ? raw.errorLabels.map(String) : undefined,
      closeConnection: truthy(raw.closeConnection),
      blockConnection: truthy(raw.blockConnection),
      blockTimeMS: num(raw.blockTimeMS),
      writeConcernError: raw.writeConcernError as Document | undefined,
      appName: typeof raw.appName === 'string' ? raw.appName : undefined,
      errmsg: typeof raw.errmsg === 'string' ? raw.errmsg : undefined,
    };
    let times = Infinity;
    let skip = 0;
    if (mode && typeof mode === 'object') {
      const m = mode as Document;
      if (m.times !== undefined) times = num(m.times) ?? 0;
      if (m.skip !== undefined) skip = num(m.skip) ?? 0;
    } else if (mode !== 'alwaysOn') {
      return errorReply(2, `unknown mode ${JSON.stringify(mode)}`);
    }
    this.armed.set(name, { times, skip, data });
    return { count: 0, ok: 1 };
  }

  /** The armed fail point `name` that fires for this command, consuming one activation; or undefined. */
  take(name: string, command: string, appName: string | undefined): FailCommandData | undefined {
    const armed = this.armed.get(name);
    if (!armed || !armed.data.failCommands.includes(command)) return undefined;
    if (armed.data.appName !== undefined && armed.data.appName !== appName) return undefined;
    if (armed.skip > 0) {
      armed.skip--;
      return undefined;
    }
    if (armed.times <= 0) return undefined;
    armed.times--;
    if (armed.times <= 0) this.armed.delete(name);
    return armed.data;
  }
}
