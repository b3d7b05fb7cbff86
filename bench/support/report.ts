import type { LevelResult } from '../phases/level.js';
import type { measureAgendash } from '../phases/agendash.js';
import type { BooksResult } from '../phases/books.js';
import { describeCounts, totalOf, type CommandCounts } from './commands.js';
import { round1, type Stats } from './stats.js';

export function ms(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v)} ms`;
}

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  return [line(rows[0]!), line(widths.map((w) => '-'.repeat(w))), ...rows.slice(1).map(line)].join('\n');
}

const ratio = (v: number, base: number) => (Number.isFinite(v) && base > 0 ? `${(v / base).toFixed(1)}×` : '');
const commandsCell = (c: CommandCounts) => `${round1(totalOf(c))} (${describeCounts(c)})`;
const pcts = (s: Stats) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}`;

/** One table per data level: every path's commands, percentiles, and p50 as a multiple of a find by _id. */
export function levelTable(level: LevelResult): string {
  const base = level.rawSpeed.findById.p50;
  const row = (name: string, s: Stats, c?: CommandCounts) => [name, c ? commandsCell(c) : '1', pcts(s), ratio(s.p50, base)];
  const con = level.checkoutConcurrent;
  return table([
    ['path', 'commands per request', 'p50 / p95 / p99', 'p50 ÷ find by _id'],
    row('server: find by _id (users)', level.rawSpeed.findById),
    row('server: insert', level.rawSpeed.insert),
    row('POST /api/checkout', level.checkout.latency, level.checkout.commands),
    row('POST /api/checkout + Idempotency-Key', level.checkoutWithKey.latency, level.checkoutWithKey.commands),
    row('rewards job (its use case)', level.rewardsJob.latency, level.rewardsJob.commands),
    row('GET /api/transactions/:id', level.getTransaction.latency, level.getTransaction.commands),
    row('Agendash list', level.agendashList.latency, level.agendashList.commands),
    [`checkout, ${con.clients} clients at once`, `${con.checkoutsPerSecond} checkouts/s${con.refused503 ? `, ${con.refused503} answered 503` : ''}`, pcts(con.latency), ratio(con.latency.p50, base)],
  ]);
}

export function rewardsTable(levels: LevelResult[]): string {
  const rows = [['customers', 'tree', 'workers', 'jobs/s', 'enqueue→start p50 / p95', 'run p50 / p95', 'commands per job (all workers)', 'duplicate runs', 'not done in time']];
  for (const level of levels) {
    for (const r of level.rewards) {
      rows.push([`${level.customers}`, r.topology, `${r.workers}`, `${r.jobsPerSecond}`, `${ms(r.enqueueToStartMs.p50)} / ${ms(r.enqueueToStartMs.p95)}`, `${ms(r.runMs.p50)} / ${ms(r.runMs.p95)}`, commandsCell(r.commandsPerJob), `${r.duplicateRuns}`, r.unsettled + r.failedForGood > 0 ? `${r.unsettled} unfinished, ${r.failedForGood} failed` : '0']);
    }
  }
  return table(rows);
}

/** Each path at every level against the empty shop: time ratio and whether the command count moved. */
export function growthTable(levels: LevelResult[]): string {
  const first = levels[0]!;
  const paths = [
    ['checkout', (l: LevelResult) => l.checkout],
    ['checkout + key', (l: LevelResult) => l.checkoutWithKey],
    ['rewards job', (l: LevelResult) => l.rewardsJob],
    ['GET transaction', (l: LevelResult) => l.getTransaction],
    ['Agendash list', (l: LevelResult) => l.agendashList],
  ] as const;
  const rows = [['path', ...levels.map((l) => `${l.customers} customers: p50 (× empty), commands`)]];
  for (const [name, of] of paths) {
    rows.push([name, ...levels.map((l) => `${ms(of(l).latency.p50)} (${ratio(of(l).latency.p50, of(first).latency.p50)}), ${totalOf(of(l).commands)}`)]);
  }
  rows.push(['server find by _id', ...levels.map((l) => `${ms(l.rawSpeed.findById.p50)} (${ratio(l.rawSpeed.findById.p50, first.rawSpeed.findById.p50)}), 1`)]);
  return table(rows);
}

export function agendashTable(results: Awaited<ReturnType<typeof measureAgendash>>): string {
  const rows = [['job documents (1 worker polling)', "Agendash's own list (before): p50, commands", 'service list (after): p50, commands', 'failed only', 'all jobs']];
  for (const r of results) {
    rows.push([`${r.jobDocuments}`, `${ms(r.before.latency.p50)}, ${commandsCell(r.before.commands)}`, `${ms(r.after.list.latency.p50)}, ${commandsCell(r.after.list.commands)}`, `${ms(r.after.failedOnly.latency.p50)}, ${totalOf(r.after.failedOnly.commands)}`, `${ms(r.after.allJobs.latency.p50)}, ${totalOf(r.after.allJobs.commands)}`]);
  }
  return table(rows);
}

/** The books at each size: the audit's time, peak memory and commands; the hot referrer's points read before and after its checkpoint. */
export function booksTable(results: BooksResult[]): string {
  const rows = [['purchases', 'ledger entries', 'audit, writing checkpoints: time, peak heap, commands', 'audit again', "hot referrer's points, no checkpoint: entries summed, p50, commands", 'with its checkpoint']];
  for (const r of results) {
    const audit = (a: BooksResult['audit']['first']) => `${ms(a.ms)}, +${a.peakHeapAboveStartMb} MB (RSS ${a.peakRssMb} MB), ${commandsCell(a.commands)}${a.clean ? '' : ', NOT CLEAN'}`;
    rows.push([
      `${r.purchases}`,
      `${r.entries}${r.ledgerBytes ? ` (${Math.round(r.ledgerBytes / 1024 / 1024)} MB)` : ''}`,
      audit(r.audit.first),
      audit(r.audit.second),
      `${r.pointsBefore.entriesSummed}, ${ms(r.pointsBefore.latency.p50)}, ${commandsCell(r.pointsBefore.commands)}`,
      `${r.pointsAfter.entriesSummed}, ${ms(r.pointsAfter.latency.p50)}, ${commandsCell(r.pointsAfter.commands)}`,
    ]);
  }
  return table(rows);
}
