import { CHECKS, CHECK_NAMES, type CheckName, type Finding } from './findings.js';
import type { PoolTally } from './checks/pools.js';

export interface AuditReport {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Where the time went: the users and their entries, the purchases and theirs, stray entries and keys, re-reads. */
  phaseMs: { users: number; purchases: number; entries: number; recheck: number };
  /** True when every check found nothing: the books hold. */
  clean: boolean;
  /** Entries before this are settled; points checkpoints stop here. */
  settledBefore: string;
  scanned: { users: number; userEntries: number; purchases: number; purchaseEntries: number };
  checks: { name: CheckName; description: string; discrepancies: number }[];
  /** The first findings (all of them up to the cap), each naming its purchase, user, entry or pool. */
  findings: Finding[];
  /** Findings past the cap, counted in `checks` but not listed. */
  findingsNotListed: number;
  /** Subjects found wrong in the stream and read again on their own (a shop changing under the audit misleads a stream, not a re-read). */
  rechecked: { subjects: number; cleared: number };
  pools: PoolTally;
  /** Purchases whose rewards are still being settled (not findings): unpaid yet, or a refund's reversal queued. */
  inProgress: { unpaid: number; reversing: number };
  checkpoints: { checked: number; written: number };
}

export function emptyCounts(): Record<CheckName, number> {
  return Object.fromEntries(CHECK_NAMES.map((name) => [name, 0])) as Record<CheckName, number>;
}

export function checksOf(counts: Record<CheckName, number>): AuditReport['checks'] {
  return CHECK_NAMES.map((name) => ({ name, description: CHECKS[name], discrepancies: counts[name] }));
}

const n = (value: number) => value.toLocaleString('en-US');
const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export function describeFinding(f: Finding): string {
  return `${f.check.padEnd(18)} ${f.subject.kind} ${f.subject.id}: ${f.message}`;
}

/** The report for a person: what was read, each check with its count, the findings, the verdict. */
export function formatReport(report: AuditReport): string {
  const total = report.checks.reduce((sum, c) => sum + c.discrepancies, 0);
  const lines = [
    `Books audit, started ${report.startedAt}, took ${(report.durationMs / 1000).toFixed(1)} s (users ${s(report.phaseMs.users)}, purchases ${s(report.phaseMs.purchases)}, other entries ${s(report.phaseMs.entries)}, re-reads ${s(report.phaseMs.recheck)})`,
    `Read ${n(report.scanned.users)} users with ${n(report.scanned.userEntries)} entries, ${n(report.scanned.purchases)} purchases with ${n(report.scanned.purchaseEntries)} entries.`,
    `Pools: app revenue ${n(report.pools.actual.appRevenue)} (distributions: ${n(report.pools.expected.appRevenue)}), gifts pool ${n(report.pools.actual.giftsPool)} (distributions: ${n(report.pools.expected.giftsPool)}).`,
    `Points checkpoints up to ${report.settledBefore}: ${n(report.checkpoints.checked)} checked, ${n(report.checkpoints.written)} written.`,
    `Still settling (not findings): purchases not paid yet ${n(report.inProgress.unpaid)}, refunds being reversed ${n(report.inProgress.reversing)}.`,
    '',
    ...report.checks.map((c) => `  ${c.discrepancies === 0 ? 'ok  ' : 'FAIL'}  ${c.name.padEnd(18)} ${String(c.discrepancies).padStart(6)}  ${c.description}`),
    '',
  ];
  if (report.findings.length > 0) {
    lines.push('Findings:', ...report.findings.map((f) => `  ${describeFinding(f)}`));
    if (report.findingsNotListed > 0) lines.push(`  … and ${n(report.findingsNotListed)} more (counted above)`);
    lines.push('');
  }
  if (report.rechecked.subjects > 0) lines.push(`Read again on their own: ${report.rechecked.subjects} users or purchases found wrong; right on the second read: ${report.rechecked.cleared}.`, '');
  lines.push(total === 0 ? 'The books hold.' : `${n(total)} discrepancies: the books do NOT hold.`);
  return lines.join('\n') + '\n';
}
