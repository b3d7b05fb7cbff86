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
import { BUYER_TOP_UP, PRODUCTS, TREE, type Created, type DemoBuyer } from './demo-shop.js';
import { report } from './report.js';
import { Api, readSettings, SeedError } from './service-api.js';

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
