import type { Repositories } from '../data-access.js';
import type { UnitOfWorkWith } from '../infra/database/unit-of-work.js';
import type { RewardRules } from '../rewards/rules.js';
import { settledBefore } from '../rewards/point-checkpoints.js';
import { checkPurchase, checkUser } from './checks/index.js';
import { entryWithoutPurchase } from './checks/entry-purchase.js';
import { addPools, emptyPools, poolContribution, poolsMatchDistributions } from './checks/pools.js';
import { finding, type Finding } from './findings.js';
import { CheckpointWriter, FindingLog, Phases, Suspects, type AuditPhase, type Suspect } from './audit-run.js';
import { statusOf } from './purchase-books.js';
import { UNPAID_STATUSES } from '../purchases/lifecycle.js';
import { everyPurchasesBooks, everyUsersBooks, onePurchasesBooks, oneUsersBooks } from './read-books.js';
import { checksOf, type AuditReport } from './report.js';

export type { AuditPhase };

export interface AuditDeps {
  /** The books, read outside a transaction; the points checkpoints written. */
  data: Pick<Repositories, 'books' | 'points'>;
  /** A re-check reads its user or purchase through the unit's `tx`: one snapshot. */
  unitOfWork: UnitOfWorkWith<Pick<Repositories, 'books'>>;
  rules: RewardRules;
  /** LEDGER_SETTLE_MS: entries older than this are settled; checkpoints stop there. */
  settleMs: number;
}

export interface AuditOptions {
  /** The audit's clock (tests move it); default: now. */
  now?: Date;
  /** Keep each user's points checkpoint current (the job and the admin API do; the command only when asked). */
  writeCheckpoints?: boolean;
  /** Called every 1 000 items of a phase and at its end; awaited (a job renews its lock here). */
  onProgress?: (phase: AuditPhase, done: number) => void | Promise<void>;
  /** Called once per finding that stands after its re-check. */
  onFinding?: (finding: Finding) => void;
  /** Findings listed in the report (all are counted). */
  maxFindingsListed?: number;
  /** Users and purchases read again on their own at most; past it, their stream findings stand. */
  maxRechecks?: number;
}

/** A re-read of one user or purchase, in one snapshot transaction. */
const RECHECK_BUDGET_MS = 30_000;

interface Run {
  deps: AuditDeps;
  settledBefore: Date;
  log: FindingLog;
  suspects: Suspects;
  checkpoints: CheckpointWriter;
  phases: Phases;
}

/**
 * The books audit (docs/spec.md §12): proves, on a running shop, that every balance is the sum of its
 * entries and every purchase's entries are what its rewards status and distribution say.
 *
 * Bounded memory: it never loads the ledger. Users and the entries naming them are two streams
 * sorted by user, purchases and the entries naming them two streams sorted by purchase, met one
 * key at a time (read-books.ts, merge.ts); each user or purchase is judged by the checks in
 * checks/ and forgotten. A shop that changes under the audit can make a stream pair a user's
 * document with entries read a moment later; so whatever looks wrong is read again on its own —
 * in one snapshot transaction — and only what is still wrong is a finding.
 */
export async function auditBooks(deps: AuditDeps, options: AuditOptions = {}): Promise<AuditReport> {
  const startedAt = options.now ?? new Date();
  const started = performance.now();
  const log = new FindingLog(options.maxFindingsListed ?? 1000, options.onFinding);
  const boundary = settledBefore(startedAt, deps.settleMs);
  const run: Run = {
    deps,
    settledBefore: boundary,
    log,
    suspects: new Suspects(options.maxRechecks ?? 1000, log),
    checkpoints: new CheckpointWriter(deps.data, boundary, options.writeCheckpoints ?? false),
    phases: new Phases(options.onProgress),
  };

  const users = await auditUsers(run);
  const purchases = await auditPurchases(run);
  await auditStrayEntries(run);
  const rechecked = await recheckSuspects(run, purchases.pools);
  poolsMatchDistributions(purchases.pools).forEach(log.record);

  const durationMs = Math.round(performance.now() - started);
  return {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date(startedAt.getTime() + durationMs).toISOString(),
    durationMs,
    phaseMs: run.phases.ms,
    clean: log.clean,
    settledBefore: boundary.toISOString(),
    scanned: { ...users.scanned, ...purchases.scanned },
    checks: checksOf(log.counts),
    findings: log.listed,
    findingsNotListed: log.notListed,
    rechecked,
    pools: purchases.pools,
    inProgress: purchases.inProgress,
    checkpoints: { checked: users.checkpointsChecked, written: run.checkpoints.written },
  };
}

/** Wallets, lifetime spend and points checkpoints, one user at a time. */
async function auditUsers(run: Run) {
  const scanned = { users: 0, userEntries: 0 };
  let checkpointsChecked = 0;
  let done = 0;
  for await (const books of everyUsersBooks(run.deps.data, run.settledBefore)) {
    if (books.user) scanned.users += 1;
    scanned.userEntries += books.tally.rows;
    if (books.checkpoint) checkpointsChecked += 1;
    const found = checkUser(books);
    // A suspect's checkpoint waits for its re-read, which must see the checkpoint as it was.
    if (found.length > 0) run.suspects.add({ kind: 'user', id: books.userId, findings: found });
    else await run.checkpoints.keep(books);
    await run.phases.tick('users', ++done);
  }
  await run.checkpoints.flush();
  await run.phases.end('users', done);
  return { scanned, checkpointsChecked };
}

/** Distributions, settlement, refunds and reversals, one purchase at a time; the pools summed. */
async function auditPurchases(run: Run) {
  const scanned = { purchases: 0, purchaseEntries: 0 };
  const pools = emptyPools();
  const inProgress = { unpaid: 0, reversing: 0 };
  let done = 0;
  for await (const books of everyPurchasesBooks(run.deps.data)) {
    if (books.purchase) scanned.purchases += 1;
    scanned.purchaseEntries += books.entries.length;
    const status = statusOf(books);
    if (status && UNPAID_STATUSES.includes(status)) inProgress.unpaid += 1;
    if (status === 'reversing') inProgress.reversing += 1;
    const contribution = poolContribution(books);
    addPools(pools, contribution);
    const found = checkPurchase(books, run.deps.rules);
    if (found.length > 0) run.suspects.add({ kind: 'purchase', id: books.purchaseId, findings: found, pools: contribution });
    await run.phases.tick('purchases', ++done);
  }
  await run.phases.end('purchases', done);
  return { scanned, pools, inProgress };
}

/** Entries that belong to no purchase, and the index that keeps keys unique. */
async function auditStrayEntries(run: Run): Promise<void> {
  const { books } = run.deps.data;
  let done = 0;
  for await (const entry of books.streamUnboundEntries()) {
    run.log.record(entryWithoutPurchase(entry));
    await run.phases.tick('entries', ++done);
  }
  if (!(await books.hasUniqueEntryKeyIndex())) {
    run.log.record(finding('unique-keys', 'ledger', 'entryKey', 'the unique index on entryKey is missing: nothing stops an entry from being written twice'));
    for await (const dup of books.duplicateEntryKeys()) run.log.record(finding('unique-keys', 'entry', dup._id, `key ${dup._id} is held by ${dup.count} entries`, { expected: 1, actual: dup.count }));
  }
  await run.phases.end('entries', done);
}

/** Whatever looked wrong, read again on its own: what is still wrong is a finding. */
async function recheckSuspects(run: Run, pools: ReturnType<typeof emptyPools>) {
  let cleared = 0;
  let done = 0;
  for (const s of run.suspects.all.values()) {
    // A re-read that fails (the database went away, a huge user past the budget) leaves the
    // stream's findings standing: the audit never clears what it could not read again.
    const again = await recheck(run, s).catch(() => s);
    if (s.pools && again.pools) {
      addPools(pools, s.pools, -1);
      addPools(pools, again.pools);
    }
    if (again.findings.length === 0) cleared += 1;
    again.findings.forEach(run.log.record);
    if (again.user) await run.checkpoints.keep(again.user);
    await run.phases.tick('recheck', ++done);
  }
  await run.checkpoints.flush();
  await run.phases.end('recheck', done);
  return { subjects: run.suspects.all.size, cleared };
}

function recheck(run: Run, s: Suspect): Promise<Suspect> {
  const { unitOfWork, rules } = run.deps;
  return unitOfWork.run({ name: 'audit-recheck', budgetMs: RECHECK_BUDGET_MS }, async (tx) => {
    if (s.kind === 'user') {
      const user = await oneUsersBooks(tx, s.id, run.settledBefore);
      return { ...s, findings: checkUser(user), user };
    }
    const books = await onePurchasesBooks(tx, s.id);
    return { ...s, findings: checkPurchase(books, rules), pools: poolContribution(books) };
  });
}
