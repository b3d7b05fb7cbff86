import { Types } from 'mongoose';
import type { LedgerDoc, Models, PointCheckpointDoc } from '../infra/database/models.js';
import type { UnitOfWork } from '../infra/database/unit-of-work.js';
import type { RewardRules } from '../rewards/rules.js';
import { settledBefore } from '../rewards/point-checkpoints.js';
import { savePointCheckpoints, type NewPointCheckpoint } from '../rewards/data/save-point-checkpoints.js';
import { checkPurchase, checkUser } from './checks/index.js';
import { entryWithoutPurchase } from './checks/entry-purchase.js';
import { addPools, emptyPools, poolContribution, poolsMatchDistributions, type PoolTally } from './checks/pools.js';
import { finding, type Finding } from './findings.js';
import { foldByKey, zipByKey } from './merge.js';
import { UNPAID, statusOf, type PurchaseBooks } from './purchase-books.js';
import { checksOf, emptyCounts, type AuditReport } from './report.js';
import { nextCheckpoint, UserTally, type AuditedUser, type UserBooks } from './user-books.js';
import { duplicateEntryKeys } from './data/duplicate-entry-keys.js';
import { hasUniqueEntryKeyIndex } from './data/entry-key-index.js';
import { loadPurchaseBooks, loadUserHead } from './data/load-books.js';
import { streamPointCheckpoints } from './data/stream-point-checkpoints.js';
import { streamPurchaseEntries } from './data/stream-purchase-entries.js';
import { streamPurchases } from './data/stream-purchases.js';
import { streamUnboundEntries } from './data/stream-unbound-entries.js';
import { streamEntriesOfUser, streamUserEntries } from './data/stream-user-entries.js';
import { streamUsers } from './data/stream-users.js';

export interface AuditDeps {
  models: Models;
  unitOfWork: UnitOfWork;
  rules: RewardRules;
  /** LEDGER_SETTLE_MS: entries older than this are settled; checkpoints stop there. */
  settleMs: number;
}

export type AuditPhase = 'users' | 'purchases' | 'entries' | 'recheck';

export interface AuditOptions {
  /** The audit's clock (tests move it); default: now. */
  now?: Date;
  /** Keep each user's points checkpoint current (the job and the admin API do; the command only when asked). */
  writeCheckpoints?: boolean;
  /** Called every PROGRESS_EVERY items of a phase and at its end; awaited (a job renews its lock here). */
  onProgress?: (phase: AuditPhase, done: number) => void | Promise<void>;
  /** Called once per finding that stands after its re-check. */
  onFinding?: (finding: Finding) => void;
  /** Findings listed in the report (all are counted). */
  maxFindingsListed?: number;
  /** Users and purchases re-read on their own at most; past it, their stream findings stand. */
  maxRechecks?: number;
}

const PROGRESS_EVERY = 1000;
const CHECKPOINT_BATCH = 500;
/** A re-read of one user or purchase, in a transaction where there are transactions (a snapshot). */
const RECHECK_BUDGET_MS = 30_000;

interface Suspect {
  kind: 'user' | 'purchase';
  id: string;
  findings: Finding[];
  pools?: PoolTally;
  /** A user's books as the re-check read them: its checkpoint is written from these. */
  user?: UserBooks;
}

/**
 * The books audit (SPEC §12): proves, on a running shop, that every balance is the sum of its
 * entries and every purchase's entries are what its rewards status and distribution say.
 *
 * Bounded memory: it never loads the ledger. Users and the entries naming them are two streams
 * sorted by user, purchases and the entries naming them two streams sorted by purchase, met one
 * key at a time (merge.ts); each user or purchase is judged by the checks in checks/ and
 * forgotten. A shop that changes under the audit can make a stream pair a user's document with
 * entries read a moment later; so whatever looks wrong is read again on its own — in one snapshot
 * transaction where the server has them — and only what is still wrong is a finding.
 */
export async function auditBooks(deps: AuditDeps, options: AuditOptions = {}): Promise<AuditReport> {
  const { models } = deps;
  const startedAt = options.now ?? new Date();
  const started = performance.now();
  const boundary = settledBefore(startedAt, deps.settleMs);
  const counts = emptyCounts();
  const listed: Finding[] = [];
  let notListed = 0;
  const maxListed = options.maxFindingsListed ?? 1000;
  const record = (f: Finding) => {
    counts[f.check] += 1;
    if (listed.length < maxListed) listed.push(f);
    else notListed += 1;
    options.onFinding?.(f);
  };
  const suspects = new Map<string, Suspect>();
  const suspect = (s: Suspect) => {
    if (suspects.size < (options.maxRechecks ?? 1000)) suspects.set(`${s.kind}:${s.id}`, s);
    else s.findings.forEach(record);
  };
  const progress = async (phase: AuditPhase, done: number, end = false) => {
    if (end || done % PROGRESS_EVERY === 0) await options.onProgress?.(phase, done);
  };
  const scanned = { users: 0, userEntries: 0, purchases: 0, purchaseEntries: 0 };
  const phaseMs = { users: 0, purchases: 0, entries: 0, recheck: 0 };
  let phaseStarted = performance.now();
  const endPhase = (phase: AuditPhase) => {
    phaseMs[phase] = Math.round(performance.now() - phaseStarted);
    phaseStarted = performance.now();
  };
  const checkpoints = { checked: 0, written: 0 };

  // Users: wallets, lifetime spend, points checkpoints.
  const pendingCheckpoints: NewPointCheckpoint[] = [];
  const keepCheckpoint = (books: UserBooks) => {
    const next = nextCheckpoint(books, boundary);
    if (next) pendingCheckpoints.push({ user: new Types.ObjectId(books.userId), ...next });
  };
  const flushCheckpoints = async () => {
    await savePointCheckpoints(models, pendingCheckpoints);
    checkpoints.written += pendingCheckpoints.length;
    pendingCheckpoints.length = 0;
  };
  let done = 0;
  for await (const books of userBooks(models, boundary)) {
    done += 1;
    if (books.user) scanned.users += 1;
    scanned.userEntries += books.tally.rows;
    if (books.checkpoint) checkpoints.checked += 1;
    const found = checkUser(books);
    // A suspect's checkpoint waits for its re-check, which must see the checkpoint as it was.
    if (found.length > 0) suspect({ kind: 'user', id: books.userId, findings: found });
    else if (options.writeCheckpoints) keepCheckpoint(books);
    if (pendingCheckpoints.length >= CHECKPOINT_BATCH) await flushCheckpoints();
    await progress('users', done);
  }
  await flushCheckpoints();
  await progress('users', done, true);
  endPhase('users');

  // Purchases: distributions, settlement, refunds, reversals, pools.
  const pools = emptyPools();
  const inProgress = { unpaid: 0, reversing: 0 };
  done = 0;
  for await (const books of purchaseBooks(models)) {
    done += 1;
    if (books.purchase) scanned.purchases += 1;
    scanned.purchaseEntries += books.entries.length;
    const status = statusOf(books);
    if (status && UNPAID.includes(status)) inProgress.unpaid += 1;
    if (status === 'reversing') inProgress.reversing += 1;
    const contribution = poolContribution(books);
    addPools(pools, contribution);
    const found = checkPurchase(books, deps.rules);
    if (found.length > 0) suspect({ kind: 'purchase', id: books.purchaseId, findings: found, pools: contribution });
    await progress('purchases', done);
  }
  await progress('purchases', done, true);
  endPhase('purchases');

  // Entries that belong nowhere, and the index that keeps keys unique.
  done = 0;
  for await (const entry of streamUnboundEntries(models)) {
    record(entryWithoutPurchase(entry));
    await progress('entries', ++done);
  }
  if (!(await hasUniqueEntryKeyIndex(models))) {
    record(finding('unique-keys', 'ledger', 'entryKey', 'the unique index on entryKey is missing: nothing stops an entry from being written twice'));
    for await (const dup of duplicateEntryKeys(models)) record(finding('unique-keys', 'entry', dup._id, `key ${dup._id} is held by ${dup.count} entries`, { expected: 1, actual: dup.count }));
  }
  await progress('entries', done, true);
  endPhase('entries');

  // Whatever looked wrong, read again on its own.
  let cleared = 0;
  done = 0;
  for (const s of suspects.values()) {
    // A re-read that fails (the database went away, a huge user past the budget) leaves the
    // stream's findings standing: the audit never clears what it could not read again.
    const again = await recheck(deps, s, boundary).catch(() => s);
    if (s.pools && again.pools) {
      addPools(pools, s.pools, -1);
      addPools(pools, again.pools);
    }
    if (again.findings.length === 0) cleared += 1;
    again.findings.forEach(record);
    if (options.writeCheckpoints && again.user) keepCheckpoint(again.user);
    await progress('recheck', ++done);
  }
  await flushCheckpoints();
  await progress('recheck', done, true);
  endPhase('recheck');
  poolsMatchDistributions(pools).forEach(record);

  const clean = Object.values(counts).every((c) => c === 0);
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + (performance.now() - started)).toISOString(),
    durationMs: Math.round(performance.now() - started),
    phaseMs,
    clean,
    settledBefore: boundary.toISOString(),
    scanned,
    checks: checksOf(counts),
    findings: listed,
    findingsNotListed: notListed,
    rechecked: { subjects: suspects.size, cleared },
    pools,
    inProgress,
    checkpoints,
  };
}

/** Each user's books: the document and checkpoint beside the entries naming them, one user at a time. */
async function* userBooks(models: Models, boundary: Date): AsyncGenerator<UserBooks> {
  const heads = zipByKey(streamUsers(models), (u) => u._id.toString(), streamPointCheckpoints(models), (c) => c._id.toString(), ['users', 'points checkpoints']);
  const groups = foldByKey(
    heads,
    (h) => h.key,
    streamUserEntries(models),
    (row) => row.user.toString(),
    { start: (_key, head) => new UserTally(head?.b?.upTo ?? null, boundary), add: (tally, row) => tally.add(row) },
    ['users', 'user entries'],
  );
  for await (const g of groups) yield { userId: g.key, user: g.head?.a ?? null, checkpoint: g.head?.b ?? null, tally: g.acc };
}

/** Each purchase's books: the purchase beside the entries naming it, one purchase at a time. */
async function* purchaseBooks(models: Models): AsyncGenerator<PurchaseBooks> {
  const groups = foldByKey(
    streamPurchases(models),
    (p) => p._id.toString(),
    streamPurchaseEntries(models),
    (e) => e.purchase!.toString(),
    { start: () => [] as LedgerDoc[], add: (list, e) => void list.push(e) },
    ['purchases', 'purchase entries'],
  );
  for await (const g of groups) yield { purchaseId: g.key, purchase: g.head, entries: g.acc };
}

async function recheck(deps: AuditDeps, s: Suspect, boundary: Date): Promise<Suspect> {
  const { models, unitOfWork } = deps;
  return unitOfWork.run({ name: 'audit-recheck', budgetMs: RECHECK_BUDGET_MS }, async (session) => {
    if (s.kind === 'user') {
      const head: { user: AuditedUser | null; checkpoint: PointCheckpointDoc | null } = await loadUserHead(models, s.id, session);
      const tally = new UserTally(head.checkpoint?.upTo ?? null, boundary);
      for await (const row of streamEntriesOfUser(models, new Types.ObjectId(s.id), session)) tally.add(row);
      const user: UserBooks = { userId: s.id, ...head, tally };
      return { ...s, findings: checkUser(user), user };
    }
    const books = { purchaseId: s.id, ...(await loadPurchaseBooks(models, s.id, session)) };
    return { ...s, findings: checkPurchase(books, deps.rules), pools: poolContribution(books) };
  });
}
