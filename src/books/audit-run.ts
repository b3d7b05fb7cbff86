import type { Repositories } from '../data-access.js';
import type { NewPointCheckpoint } from '../rewards/data/save-point-checkpoints.js';
import { toId } from '../shared/ids.js';
import type { PoolTally } from './checks/pools.js';
import type { CheckName, Finding } from './findings.js';
import { emptyCounts } from './report.js';
import { nextCheckpoint, type UserBooks } from './user-books.js';

const CHECKPOINT_BATCH = 500;

/** Counts every finding by check, lists the first ones, and passes each on (the job logs it). */
export class FindingLog {
  readonly counts: Record<CheckName, number> = emptyCounts();
  readonly listed: Finding[] = [];
  notListed = 0;

  constructor(
    private readonly maxListed: number,
    private readonly onFinding?: (finding: Finding) => void,
  ) {}

  record = (f: Finding): void => {
    this.counts[f.check] += 1;
    if (this.listed.length < this.maxListed) this.listed.push(f);
    else this.notListed += 1;
    this.onFinding?.(f);
  };

  get clean(): boolean {
    return Object.values(this.counts).every((c) => c === 0);
  }
}

/** A user or purchase whose books looked wrong in the stream, to be read again on its own. */
export interface Suspect {
  kind: 'user' | 'purchase';
  id: string;
  findings: Finding[];
  /** A purchase's share of the pools as read (replaced by the re-read's). */
  pools?: PoolTally;
  /** A user's books as the re-read saw them: its checkpoint is written from these. */
  user?: UserBooks;
}

/** The suspects, up to a cap: past it, a suspect's stream findings stand without a re-read. */
export class Suspects {
  readonly all = new Map<string, Suspect>();
  constructor(
    private readonly max: number,
    private readonly log: FindingLog,
  ) {}

  add(s: Suspect): void {
    if (this.all.size < this.max) this.all.set(`${s.kind}:${s.id}`, s);
    else s.findings.forEach(this.log.record);
  }
}

/** Points checkpoints to write, in bulks. */
export class CheckpointWriter {
  written = 0;
  private readonly pending: NewPointCheckpoint[] = [];
  constructor(
    private readonly data: Pick<Repositories, 'points'>,
    private readonly settledBefore: Date,
    private readonly enabled: boolean,
  ) {}

  async keep(books: UserBooks): Promise<void> {
    const next = this.enabled ? nextCheckpoint(books, this.settledBefore) : null;
    if (next) this.pending.push({ user: toId(books.userId), ...next });
    if (this.pending.length >= CHECKPOINT_BATCH) await this.flush();
  }

  async flush(): Promise<void> {
    await this.data.points.savePointCheckpoints(this.pending);
    this.written += this.pending.length;
    this.pending.length = 0;
  }
}

export type AuditPhase = 'users' | 'purchases' | 'entries' | 'recheck';
const PROGRESS_EVERY = 1000;

/** Progress every PROGRESS_EVERY items and at each phase's end (awaited: a job renews its lock there), and where the time went. */
export class Phases {
  readonly ms: Record<AuditPhase, number> = { users: 0, purchases: 0, entries: 0, recheck: 0 };
  private started = performance.now();
  constructor(private readonly onProgress?: (phase: AuditPhase, done: number) => void | Promise<void>) {}

  async tick(phase: AuditPhase, done: number): Promise<void> {
    if (done % PROGRESS_EVERY === 0) await this.onProgress?.(phase, done);
  }

  async end(phase: AuditPhase, done: number): Promise<void> {
    await this.onProgress?.(phase, done);
    this.ms[phase] = Math.round(performance.now() - this.started);
    this.started = performance.now();
  }
}
