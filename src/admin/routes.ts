import { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../shared/context.js';
import type { TokenService } from '../http/auth.js';
import { amount, balance, noBody, objectId, sku, validate } from '../http/validate.js';
import { notFoundRoute } from '../http/error-handler.js';
import { pageQuery } from '../http/paging.js';
import { LEVELS } from '../rewards/rules.js';
import { createUser, getUser, presentUser } from '../accounts/users.js';
import { findUsers, userForSupport } from '../accounts/find-users.js';
import { listProducts, presentProduct, upsertProduct } from '../catalog/products.js';
import { adminPurchaseRoutes } from '../purchases/admin-routes.js';
import { refundRoutes } from '../refunds/routes.js';
import { poolTotals } from '../rewards/pools.js';
import { adminWalletRoutes } from '../wallet/routes.js';
import { auditRoutes } from '../books/routes.js';

const newUserBody = Joi.object({
  name: Joi.string().trim().min(1).max(200).required(),
  email: Joi.string().email({ tlds: false }).max(254).required(),
  referrerId: objectId().allow(null),
  level: Joi.string().valid(...LEVELS).allow(null),
  isActive: Joi.boolean().strict(),
  isVerified: Joi.boolean().strict(),
  walletBalance: balance(),
}).required();
const productBody = Joi.object({
  sku: sku().required(),
  name: Joi.string().trim().min(1).max(200).required(),
  price: amount().max(1_000_000_000).required(),
  active: Joi.boolean().strict(),
}).required();
const idParams = Joi.object({ id: objectId().required() });
const usersQuery = Joi.object({ email: Joi.string().email({ tlds: false }).max(254), ...pageQuery });
const productsQuery = Joi.object({ active: Joi.boolean(), ...pageQuery });

export function adminRoutes(ctx: AppContext, tokens: TokenService): Router {
  const router = Router();
  const { models } = ctx.database;

  router.post('/users', async (req, res) => {
    const body = validate(newUserBody, req.body, 'body');
    const user = await createUser(ctx.database, body, ctx.config.admin.username);
    ctx.log.info('user created', { userId: user._id.toString(), referrerId: body.referrerId ?? null });
    res.status(201).json({ success: true, data: presentUser(user, 0) }); // a new user has no ledger entries yet
  });

  router.get('/users', async (req, res) => {
    res.json({ success: true, data: await findUsers(models, validate(usersQuery, req.query, 'query')) });
  });

  router.get('/users/:id', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    res.json({ success: true, data: await userForSupport(models, id) });
  });

  router.post('/users/:id/token', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    validate(noBody(), req.body ?? {}, 'body');
    const user = await getUser(models, id);
    const { token, expiresAt } = await tokens.issue(user._id.toString());
    res.status(201).json({ success: true, data: { id: user._id.toString(), token, expiresAt } });
  });

  router.use(adminWalletRoutes(ctx));

  router.post('/products', async (req, res) => {
    const body = validate(productBody, req.body, 'body');
    const { product, created } = await upsertProduct(models, body);
    res.status(created ? 201 : 200).json({ success: true, data: presentProduct(product) });
  });

  router.get('/products', async (req, res) => {
    res.json({ success: true, data: await listProducts(models, validate(productsQuery, req.query, 'query')) });
  });

  router.get('/pools', async (_req, res) => {
    res.json({ success: true, data: await poolTotals(models) });
  });

  router.use('/purchases', adminPurchaseRoutes(ctx));
  // Past the admin credentials, an unknown admin route is a 404 (not the customer router's 401).
  router.use(refundRoutes(ctx));
  router.use(auditRoutes(ctx));
  router.use(notFoundRoute);
  return router;
}
