/** What `npm run seed` prints: the tree, the demo buyers and their tokens, and lines to paste. */
import { fileURLToPath } from 'node:url';
import { flags, printTree, PRODUCTS, TREE, uplineOf, type Created, type DemoBuyer } from './demo-shop.js';
import type { Settings } from './service-api.js';

/** The project's tool that reads one field of an answer (README, "Try it"), by absolute path: the lines work pasted anywhere. */
const JSON_FIELD = fileURLToPath(new URL('../json-field.mjs', import.meta.url));

/** A word for bash, whatever it contains. */
const shellQuoted = (word: string) => `'${word.replace(/'/g, `'\\''`)}'`;

export function report(settings: Settings, run: string, created: Map<string, Created>, buyers: DemoBuyer[]): string {
  const base = settings.baseUrl;
  const out: string[] = [];
  const maxDepth = Math.max(...TREE.map((m) => uplineOf(m.key).length));
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
