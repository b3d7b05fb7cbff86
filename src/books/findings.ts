/**
 * What the books audit checks (docs/spec.md §12), each by name — the `check` label of the
 * `ledger_audit_discrepancies` metric — and what it found.
 */
export const CHECKS = {
  wallet: 'every wallet equals its journal: credits − purchases + refunds',
  'lifetime-spend': "every user's lifetimeSpend equals their purchases − refunds",
  distribution: "every paid purchase's entries equal its stored distribution, which sums to its reward total with the configured split (docs/spec.md §5)",
  settlement: 'no purchase completed without entries, cancelled with entries left unreversed, or unpaid with entries',
  refund: 'every refunded purchase has exactly one refund entry and, once settled, nets to zero',
  reversal: 'every reversal has its original on a refunded purchase, and reverses it exactly',
  pools: 'the app-revenue and gifts pools equal what the paid distributions put in them',
  'entry-purchase': "every entry's purchase exists",
  'unique-keys': 'no entry key twice, and every key is the one its entry implies',
  'points-checkpoint': "every points checkpoint equals the sum of its user's entries up to it",
} as const;

export type CheckName = keyof typeof CHECKS;
export const CHECK_NAMES = Object.keys(CHECKS) as CheckName[];

export const SUBJECT_KINDS = ['user', 'purchase', 'entry', 'pool', 'ledger'] as const;
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

export interface Finding {
  check: CheckName;
  /** What the finding is about, by id: an operator looks it up with the admin API. */
  subject: { kind: SubjectKind; id: string };
  message: string;
  expected?: number;
  actual?: number;
  /** actual − expected */
  difference?: number;
}

export function finding(check: CheckName, kind: SubjectKind, id: string, message: string, amounts?: { expected: number; actual: number }): Finding {
  const base: Finding = { check, subject: { kind, id }, message };
  return amounts ? { ...base, ...amounts, difference: amounts.actual - amounts.expected } : base;
}

/** `+7`, `-3`: how far a figure is off. */
export const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
