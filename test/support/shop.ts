import { expect } from 'chai';
import type { TestSystem } from './system.js';
import { adminAuth } from './system.js';

export interface Customer {
  id: string;
  token: string;
  auth: string;
}

export interface NewCustomer {
  name?: string;
  email?: string;
  referrerId?: string | null;
  level?: string | null;
  isActive?: boolean;
  isVerified?: boolean;
  walletBalance?: number;
}

let counter = 0;

/** Drives the real API the way an operator and a customer would. */
export class Shop {
  constructor(readonly sys: TestSystem) {}

  async customer(fields: NewCustomer = {}): Promise<Customer> {
    counter += 1;
    const created = await this.sys.http
      .post('/api/admin/users')
      .set('Authorization', adminAuth)
      .send({ name: fields.name ?? `Customer ${counter}`, email: fields.email ?? `c${counter}-${Date.now()}@example.test`, ...fields });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const id = created.body.data.id as string;
    const issued = await this.sys.http.post(`/api/admin/users/${id}/token`).set('Authorization', adminAuth);
    expect(issued.status).to.equal(201);
    return { id, token: issued.body.data.token, auth: `Bearer ${issued.body.data.token}` };
  }

  async product(sku: string, price: number, name = sku): Promise<void> {
    const res = await this.sys.http.post('/api/admin/products').set('Authorization', adminAuth).send({ sku, name, price });
    expect(res.status, JSON.stringify(res.body)).to.be.oneOf([200, 201]);
  }

  async addToCart(customer: Customer, sku: string, quantity: number): Promise<void> {
    const res = await this.sys.http.post('/api/cart/items').set('Authorization', customer.auth).send({ sku, quantity });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  }

  checkout(customer: Customer, idempotencyKey?: string) {
    const req = this.sys.http.post('/api/checkout').set('Authorization', customer.auth);
    return idempotencyKey ? req.set('Idempotency-Key', idempotencyKey) : req;
  }

  /** Everything a failed checkout must leave untouched. */
  async state(customer: Customer) {
    const { models } = this.sys.ctx.database;
    const user = await models.User.findById(customer.id).lean();
    const cart = await models.Cart.findOne({ user: customer.id }).lean();
    return {
      walletBalance: user!.walletBalance,
      lifetimeSpend: user!.lifetimeSpend,
      cart: (cart?.items ?? []).map((l) => ({ sku: l.sku, quantity: l.quantity })),
      cartVersion: cart?.version ?? 0,
      ledger: await models.Ledger.countDocuments({}),
      idempotencyKeys: await models.Idempotency.countDocuments({}),
      jobs: await this.sys.ctx.database.db.collection('agendaJobs').countDocuments({ name: 'process-checkout-rewards' }),
    };
  }
}
