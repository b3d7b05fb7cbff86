import { finding, signed, type Finding } from '../findings.js';
import type { UserBooks } from '../user-books.js';

/** Every wallet = its journal: credits − purchases + refunds. */
export function walletMatchesJournal({ userId, user, tally }: UserBooks): Finding[] {
  if (!user) {
    return tally.walletEntries > 0 ? [finding('wallet', 'user', userId, `${tally.walletEntries} wallet entries belong to user ${userId}, who does not exist`)] : [];
  }
  const expected = tally.credits - tally.purchases + tally.refunds;
  if (user.walletBalance === expected) return [];
  return [
    finding(
      'wallet',
      'user',
      userId,
      `wallet is ${user.walletBalance}, its journal says ${expected} (credits ${tally.credits} − purchases ${tally.purchases} + refunds ${tally.refunds}): off by ${signed(user.walletBalance - expected)}`,
      { expected, actual: user.walletBalance },
    ),
  ];
}

/** `lifetimeSpend` = purchases − refunds. */
export function lifetimeSpendMatches({ userId, user, tally }: UserBooks): Finding[] {
  if (!user) return [];
  const expected = tally.purchases - tally.refunds;
  if (user.lifetimeSpend === expected) return [];
  return [
    finding('lifetime-spend', 'user', userId, `lifetimeSpend is ${user.lifetimeSpend}, purchases ${tally.purchases} − refunds ${tally.refunds} = ${expected}: off by ${signed(user.lifetimeSpend - expected)}`, {
      expected,
      actual: user.lifetimeSpend,
    }),
  ];
}

/** A credit entry is keyed as a credit: its key can't collide with, or pass for, another entry's. */
export function creditKeysAreCredits({ userId, tally }: UserBooks): Finding[] {
  return tally.strayCreditKeys.map((e) => finding('unique-keys', 'entry', e.id, `credit entry ${e.id} of user ${userId} has key ${e.entryKey}, not a credit's (wallet_credit:…)`));
}
