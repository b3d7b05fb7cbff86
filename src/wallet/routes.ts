import { Router } from 'express';
import Joi from 'joi';
import type { AppContext } from '../shared/context.js';
import { amount, idempotencyKey, objectId, validate } from '../http/validate.js';
import { pageQuery } from '../http/paging.js';
import { creditWallet } from './credit-wallet.js';
import { walletStatement } from './statement.js';

const creditBody = Joi.object({ amount: amount().max(1_000_000_000_000).required(), reason: Joi.string().trim().min(1).max(500) }).required();
const idParams = Joi.object({ id: objectId().required() });
const statementQuery = Joi.object({ ...pageQuery });

/** The customer's wallet statement (mounted at /api, behind the bearer token). */
export function walletRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/wallet', async (req, res) => {
    const page = validate(statementQuery, req.query, 'query');
    res.json({ success: true, data: await walletStatement(ctx.data, req.userId!, page, { withAuthor: false }) });
  });
  return router;
}

/** Admin: credit a wallet, and read its statement (mounted at /api/admin, behind the admin credentials). */
export function adminWalletRoutes(ctx: AppContext): Router {
  const router = Router();
  router.post('/users/:id/wallet', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    const body = validate(creditBody, req.body, 'body');
    const key = req.get('idempotency-key');
    const result = await creditWallet(ctx, {
      userId: id,
      amount: body.amount,
      reason: body.reason,
      by: ctx.config.admin.username,
      idempotencyKey: key === undefined ? undefined : validate(idempotencyKey(), key, 'header'),
    });
    res.json({ success: true, data: result });
  });
  router.get('/users/:id/wallet', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    const page = validate(statementQuery, req.query, 'query');
    res.json({ success: true, data: await walletStatement(ctx.data, id, page, { withAuthor: true }) });
  });
  return router;
}
