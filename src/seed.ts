/**
 * `npm run seed` — loads a demo referral tree, products, wallets and carts into a RUNNING service
 * through its HTTP API, then prints the demo buyers' tokens and curl lines to try the API with.
 *
 *   npm start                                  # terminal 1: prints  admin:<password>
 *   ADMIN_PASSWORD=<password> npm run seed     # terminal 2
 *
 * A client tool, not part of the service: it reads only SERVICE_URL (or SEED_URL; default
 * http://127.0.0.1:${PORT:-3000}), PORT, ADMIN_USERNAME (default `admin`) and ADMIN_PASSWORD.
 * Every run adds a fresh tree (emails carry a run suffix), so running it again never fails.
 */
import { fileURLToPath } from 'node:url';
import type { Level } from '../config/index.js';

interface DemoProduct {
  sku: string;
  name: string;
  /** In the smallest currency unit, like every amount of the API. */
  price: number;
}

interface DemoMember {
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

const PRODUCTS: DemoProduct[] = [
  { sku: 'TEA-GREEN', name: 'Green tea, 100 g', price: 450 },
  { sku: 'COFFEE-BEANS', name: 'Coffee beans, 1 kg', price: 1_290 },
  { sku: 'MUG', name: 'Stoneware mug', price: 800 },
  { sku: 'NOTEBOOK', name: 'Dotted notebook A5', price: 350 },
  { sku: 'BACKPACK', name: 'Commuter backpack', price: 3_500 },
  { sku: 'HEADPHONES', name: 'Wireless headphones', price: 4_990 },
];

/**
 * The demo referral tree, top down. The spine (Farah → … → Ava) is 15 people deep and the buyers
 * Zoe and Yuri hang at its bottom, so their upline shows every rule of SPEC §5 in one walk:
 * paid slots, a duplicate level, inactive / unverified / level-less members, unpaid slots (D, F)
 * and a J group of three. Xena buys through a side branch. The other members fill the tree out.
 */
const TREE: DemoMember[] = [
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
const BUYER_TOP_UP = 5_000;

class SeedError extends Error {
  override name = 'SeedError';
}

interface Settings {
  baseUrl: string;
  adminUser: string;
  adminPassword: string;
}

function readSettings(env: NodeJS.ProcessEnv): Settings {
  const baseUrl = (env.SERVICE_URL?.trim() || env.SEED_URL?.trim() || `http://127.0.0.1:${env.PORT?.trim() || '3000'}`).replace(/\/+$/, '');
  const adminPassword = env.ADMIN_PASSWORD;
  if (!adminPassword) {
    throw new SeedError(
      'ADMIN_PASSWORD is not set. The seed talks to a running service with its admin credentials:\n' +
        '  1. in one terminal:  npm start   (it prints "admin:<password>" when ADMIN_USERNAME/ADMIN_PASSWORD are not set)\n' +
        '  2. in another:       ADMIN_PASSWORD=<password> npm run seed\n' +
        `(ADMIN_USERNAME defaults to "admin"; the service is looked for at ${baseUrl}: set SERVICE_URL, or PORT, to point elsewhere.)`,
    );
  }
  return { baseUrl, adminUser: env.ADMIN_USERNAME?.trim() || 'admin', adminPassword };
}

/** The service's JSON API, as an admin or as a customer. */
class Api {
  constructor(private readonly settings: Settings) {}

  private get adminAuth(): string {
    return `Basic ${Buffer.from(`${this.settings.adminUser}:${this.settings.adminPassword}`).toString('base64')}`;
  }

  async call<T>(method: string, path: string, options: { auth: 'admin' | { bearer: string }; body?: unknown }): Promise<T> {
    const url = `${this.settings.baseUrl}${path}`;
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: {
          Authorization: options.auth === 'admin' ? this.adminAuth : `Bearer ${options.auth.bearer}`,
          ...(options.body === undefined ? {} : { 'Content-Type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (error) {
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      throw new SeedError(
        `Cannot reach the service at ${this.settings.baseUrl} (${cause?.code ?? cause?.message ?? (error as Error).message}).\n` +
          'Start it first with `npm start` in another terminal, or point SERVICE_URL (or PORT) at it.',
      );
    }
    const text = await res.text();
    let json: { success?: boolean; data?: T; error?: { code?: string; message?: string } } = {};
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      // not JSON: reported below
    }
    if (res.status === 401 && options.auth === 'admin') {
      throw new SeedError(
        `The service at ${this.settings.baseUrl} rejected the admin credentials (401). Use the ones \`npm start\` printed: ` +
          'ADMIN_PASSWORD=<password> (and ADMIN_USERNAME if it is not "admin").',
      );
    }
    if (!res.ok || json.success !== true) {
      const reason = json.error ? `${json.error.code ?? ''} ${json.error.message ?? ''}`.trim() : text.slice(0, 300);
      throw new SeedError(`${method} ${path} answered ${res.status}: ${reason}`);
    }
    return json.data as T;
  }
}

interface Created {
  member: DemoMember;
  id: string;
  email: string;
}

interface DemoBuyer extends Created {
  token: string;
  cartTotal: number;
  walletBalance: number;
}

async function seedProducts(api: Api): Promise<void> {
  for (const product of PRODUCTS) {
    await api.call('POST', '/api/admin/products', { auth: 'admin', body: product });
  }
}

async function seedTree(api: Api, run: string): Promise<Map<string, Created>> {
  const created = new Map<string, Created>();
  for (const member of TREE) {
    const referrer = member.under === null ? null : created.get(member.under);
    if (member.under !== null && !referrer) throw new SeedError(`TREE lists ${member.key} before its referrer ${member.under}`);
    const email = `${member.key}.${run}@demo.example`;
    const user = await api.call<{ id: string }>('POST', '/api/admin/users', {
      auth: 'admin',
      body: {
        name: member.name,
        email,
        referrerId: referrer?.id ?? null,
        level: member.level,
        isActive: !member.inactive,
        isVerified: !member.unverified,
        walletBalance: member.wallet,
      },
    });
    created.set(member.key, { member, id: user.id, email });
  }
  return created;
}

async function prepareBuyer(api: Api, buyer: Created): Promise<DemoBuyer> {
  const { walletBalance } = await api.call<{ walletBalance: number }>('POST', `/api/admin/users/${buyer.id}/wallet`, {
    auth: 'admin',
    body: { amount: BUYER_TOP_UP },
  });
  const { token } = await api.call<{ token: string }>('POST', `/api/admin/users/${buyer.id}/token`, { auth: 'admin' });
  let cartTotal = 0;
  for (const line of buyer.member.cart ?? []) {
    const cart = await api.call<{ total: number | null }>('POST', '/api/cart/items', { auth: { bearer: token }, body: line });
    cartTotal = cart.total ?? 0;
  }
  return { ...buyer, token, cartTotal, walletBalance };
}

function flags(member: DemoMember): string {
  const parts = [member.level ?? 'no level'];
  if (member.inactive) parts.push('inactive');
  if (member.unverified) parts.push('unverified');
  return parts.join(', ');
}

function depthOf(key: string): number {
  let depth = 0;
  for (let member = TREE.find((m) => m.key === key); member?.under; member = TREE.find((m) => m.key === member!.under)) depth += 1;
  return depth;
}

function uplineOf(key: string): DemoMember[] {
  const upline: DemoMember[] = [];
  let member = TREE.find((m) => m.key === key);
  while (member?.under) {
    member = TREE.find((m) => m.key === member!.under);
    if (member) upline.push(member);
  }
  return upline;
}

function printTree(): string {
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

/** The project's tool that reads one field of an answer (README, "Try it"), by absolute path: the lines work pasted anywhere. */
const JSON_FIELD = fileURLToPath(new URL('../tools/json-field.mjs', import.meta.url));

/** A word for bash, whatever it contains. */
const shellQuoted = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

function report(settings: Settings, run: string, created: Map<string, Created>, buyers: DemoBuyer[]): string {
  const base = settings.baseUrl;
  const out: string[] = [];
  const maxDepth = Math.max(...TREE.map((m) => depthOf(m.key)));
  out.push(
    `Seeded ${base} (run ${run}): ${PRODUCTS.length} products, ${created.size} users, referral tree ${maxDepth + 1} levels deep.`,
    '',
    'Referral tree (top down):',
    printTree(),
    '',
    `Products: ${PRODUCTS.map((p) => `${p.sku} ${p.price}`).join(', ')} (amounts in the smallest currency unit)`,
    '',
    'Demo buyers (tokens are valid 24 h; if the service runs without TOKEN_SECRET they die with its process):',
  );
  for (const b of buyers) {
    const upline = uplineOf(b.member.key)
      .map((m) => `${m.name} [${flags(m)}]${m.note ? ` ${m.note}` : ''}`)
      .join(' → ');
    out.push(
      '',
      `  ${b.member.name}  id ${b.id}  ${b.email}`,
      `    wallet ${b.walletBalance}, cart total ${b.cartTotal}`,
      `    upline, nearest first: ${upline}`,
      `    token: ${b.token}`,
    );
  }

  const first = buyers[0]!;
  const key = `demo-${run}-${first.member.key}`;
  out.push(
    '',
    `Try it as ${first.member.name}, a buyer at the bottom of the tree (paste into a shell; README "Try it" has the same lines):`,
    '',
    `  BASE=${base}`,
    `  TOKEN='${first.token}'`,
    '  AUTH="Authorization: Bearer $TOKEN"',
    `  KEY=${key}    # the checkout's Idempotency-Key: the same key again replays its answer and charges nothing`,
    '  # field F: prints field F of the answer on stdin; an error answer stops with the service\'s code and message',
    `  field() { node ${shellQuoted(JSON_FIELD)} "$@"; }`,
    '',
    '  # the cart, priced from the catalog',
    '  curl -s $BASE/api/cart -H "$AUTH"; echo',
    '  # pay it: rewards "processing" (README: "What a purchase\'s rewards status means")',
    '  curl -s -X POST $BASE/api/checkout -H "$AUTH" -H "Idempotency-Key: $KEY"; echo',
    '  # the same checkout again (same key) gives its transaction id; then its rewards, polled until they are paid',
    '  TX=$(curl -s -X POST $BASE/api/checkout -H "$AUTH" -H "Idempotency-Key: $KEY" | field data.transactionId)',
    '  echo "transaction $TX"',
    '  for i in $(seq 20); do',
    '    S=$(curl -s $BASE/api/transactions/$TX -H "$AUTH" | field data.rewards.status) || break',
    '    echo "rewards: $S"; [ "$S" = completed ] || [ "$S" = failed ] && break; sleep 0.5',
    '  done',
    '  curl -s $BASE/api/transactions/$TX -H "$AUTH"; echo',
    '  # wallet, reward points, level; purchase history; reward statement; referrals',
    '  curl -s $BASE/api/me -H "$AUTH"; echo',
    '  curl -s $BASE/api/purchases -H "$AUTH"; echo',
    '  curl -s $BASE/api/rewards -H "$AUTH"; echo',
    '',
    `The other buyers: set TOKEN to their token and KEY to another Idempotency-Key (e.g. demo-${run}-<name>).`,
    '',
    `Jobs dashboard (Agendash): ${base}/admin/jobs  (user "${settings.adminUser}", the admin password)`,
    `  its API: curl -s -u "${settings.adminUser}:$ADMIN_PASSWORD" "$BASE/admin/jobs/api?job=process-checkout-rewards&limit=50"`,
    `What happened to a purchase: curl -s -u "${settings.adminUser}:$ADMIN_PASSWORD" $BASE/api/admin/purchases/$TX`,
    `Pools: curl -s -u "${settings.adminUser}:$ADMIN_PASSWORD" $BASE/api/admin/pools`,
  );
  return out.join('\n') + '\n';
}

async function main(): Promise<void> {
  const settings = readSettings(process.env);
  const api = new Api(settings);
  const run = Date.now().toString(36);

  await seedProducts(api);
  const created = await seedTree(api, run);
  const buyers: DemoBuyer[] = [];
  for (const member of TREE.filter((m) => m.cart)) buyers.push(await prepareBuyer(api, created.get(member.key)!));
  process.stdout.write(report(settings, run, created, buyers));
}

main().catch((error: unknown) => {
  const e = error as Error;
  process.stderr.write(`seed: ${e.name === 'SeedError' ? e.message : (e.stack ?? String(e))}\n`);
  process.exitCode = 1;
});
