/** The demo shop `npm run seed` loads: its products and its referral tree, and how to show the tree. */
import type { Level } from '../../config/index.js';

export interface DemoProduct {
  sku: string;
  name: string;
  /** In the smallest currency unit, like every amount of the API. */
  price: number;
}

export interface DemoMember {
  key: string;
  name: string;
  /** The referrer's key; null for the root. Referrers are listed before the people they referred. */
  under: string | null;
  level: Level | null;
  inactive?: true;
  unverified?: true;
  wallet: number;
  /** Demo buyers only: what is in their cart when the seed finishes. */
  cart?: { sku: string; quantity: number }[];
  /** Why this member is in the demo (printed with the buyer's upline). */
  note?: string;
}

export const PRODUCTS: DemoProduct[] = [
  { sku: 'TEA-GREEN', name: 'Green tea, 100 g', price: 450 },
  { sku: 'COFFEE-BEANS', name: 'Coffee beans, 1 kg', price: 1_290 },
  { sku: 'MUG', name: 'Stoneware mug', price: 800 },
  { sku: 'NOTEBOOK', name: 'Dotted notebook A5', price: 350 },
  { sku: 'BACKPACK', name: 'Commuter backpack', price: 3_500 },
  { sku: 'HEADPHONES', name: 'Wireless headphones', price: 4_990 },
];

/**
 * The demo referral tree, top down. The spine (Farah → … → Ava) is 15 people deep and the buyers
 * Zoe and Yuri hang at its bottom, so their upline shows every rule of docs/spec.md §5 in one walk:
 * paid slots, a duplicate level, inactive / unverified / level-less members, unpaid slots (D, F)
 * and a J group of three. Xena buys through a side branch. The other members fill the tree out.
 */
export const TREE: DemoMember[] = [
  { key: 'farah', name: 'Farah', under: null, level: 'J', wallet: 0, note: 'shares the J slot' },
  { key: 'jia', name: 'Jia', under: 'farah', level: 'J', wallet: 0, note: 'shares the J slot' },
  { key: 'jun', name: 'Jun', under: 'jia', level: 'J', wallet: 0, note: 'shares the J slot' },
  { key: 'iris', name: 'Iris', under: 'jun', level: 'I', wallet: 0 },
  { key: 'hana', name: 'Hana', under: 'iris', level: 'H', wallet: 0 },
  { key: 'gus', name: 'Gus', under: 'hana', level: 'G', wallet: 0 },
  { key: 'fay', name: 'Fay', under: 'gus', level: 'F', inactive: true, wallet: 0, note: 'skipped; the F slot stays unpaid' },
  { key: 'eli', name: 'Eli', under: 'fay', level: 'E', wallet: 0 },
  { key: 'dora', name: 'Dora', under: 'eli', level: 'D', unverified: true, wallet: 0, note: 'skipped; the D slot stays unpaid' },
  { key: 'cleo', name: 'Cleo', under: 'dora', level: 'C', wallet: 0, note: 'skipped: Cara, nearer, took the C slot' },
  { key: 'ben', name: 'Ben', under: 'cleo', level: 'B', wallet: 0 },
  { key: 'noel', name: 'Noel', under: 'ben', level: null, wallet: 0, note: 'skipped' },
  { key: 'cara', name: 'Cara', under: 'noel', level: 'C', wallet: 0 },
  { key: 'ava', name: 'Ava', under: 'cara', level: 'A', wallet: 0 },
  { key: 'zoe', name: 'Zoe', under: 'ava', level: null, wallet: 20_000, cart: [{ sku: 'HEADPHONES', quantity: 1 }, { sku: 'TEA-GREEN', quantity: 2 }] },
  { key: 'yuri', name: 'Yuri', under: 'ava', level: 'A', wallet: 20_000, cart: [{ sku: 'COFFEE-BEANS', quantity: 3 }, { sku: 'MUG', quantity: 1 }] },

  // Side branches.
  { key: 'finn', name: 'Finn', under: 'farah', level: 'I', wallet: 1_000 },
  { key: 'faye', name: 'Faye', under: 'finn', level: 'H', unverified: true, wallet: 500 },
  { key: 'ivan', name: 'Ivan', under: 'iris', level: 'I', wallet: 700 },
  { key: 'hugo', name: 'Hugo', under: 'hana', level: null, wallet: 300 },
  { key: 'gia', name: 'Gia', under: 'gus', level: null, wallet: 0, note: 'skipped' },
  { key: 'gil', name: 'Gil', under: 'gia', level: 'A', wallet: 0 },
  { key: 'xena', name: 'Xena', under: 'gil', level: null, wallet: 10_000, cart: [{ sku: 'BACKPACK', quantity: 2 }] },
  { key: 'gwen', name: 'Gwen', under: 'gus', level: 'E', inactive: true, wallet: 0 },
  { key: 'emma', name: 'Emma', under: 'eli', level: 'D', wallet: 2_500 },
  { key: 'ezra', name: 'Ezra', under: 'emma', level: 'B', wallet: 900 },
  { key: 'dan', name: 'Dan', under: 'dora', level: 'C', unverified: true, wallet: 0 },
  { key: 'cyd', name: 'Cyd', under: 'cleo', level: 'A', wallet: 1_200 },
  { key: 'cole', name: 'Cole', under: 'cyd', level: null, wallet: 400 },
  { key: 'bea', name: 'Bea', under: 'ben', level: 'B', wallet: 800 },
  { key: 'bram', name: 'Bram', under: 'bea', level: 'A', inactive: true, wallet: 0 },
  { key: 'nina', name: 'Nina', under: 'noel', level: 'A', wallet: 600 },
  { key: 'carl', name: 'Carl', under: 'cara', level: 'B', wallet: 1_500 },
  { key: 'abe', name: 'Abe', under: 'ava', level: null, wallet: 250 },
];

/** The buyers also get a wallet top-up through the admin wallet endpoint, to show it. */
export const BUYER_TOP_UP = 5_000;

export interface Created {
  member: DemoMember;
  id: string;
  email: string;
}

export interface DemoBuyer extends Created {
  token: string;
  cartTotal: number;
  walletBalance: number;
}

export function flags(member: DemoMember): string {
  const parts = [member.level ?? 'no level'];
  if (member.inactive) parts.push('inactive');
  if (member.unverified) parts.push('unverified');
  return parts.join(', ');
}

export function uplineOf(key: string): DemoMember[] {
  const upline: DemoMember[] = [];
  let member = TREE.find((m) => m.key === key);
  while (member?.under) {
    member = TREE.find((m) => m.key === member!.under);
    if (member) upline.push(member);
  }
  return upline;
}

export function printTree(): string {
  const lines: string[] = [];
  const walk = (key: string | null, indent: string) => {
    for (const member of TREE.filter((m) => m.under === key)) {
      lines.push(`${indent}${member.name} [${flags(member)}]${member.cart ? '  ← buyer' : ''}`);
      walk(member.key, indent + '  ');
    }
  };
  walk(null, '  ');
  return lines.join('\n');
}
