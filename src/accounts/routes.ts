import { Router } from 'express';
import Joi from 'joi';
import type { TokenService } from '../http/auth.js';
import { balance, noBody, objectId, validate } from '../http/validate.js';
import { pageQuery } from '../http/paging.js';
import type { AppContext } from '../shared/context.js';
import { pointsOfUser } from '../rewards/points.js';
import { LEVELS } from '../rewards/rules.js';
import { findUsers, userForSupport } from './find-users.js';
import { referralsOf } from './referrals.js';
import { createUser, getUser, presentUser } from './users.js';

const referralsQuery = Joi.object({ ...pageQuery });
const newUserBody = Joi.object({
  name: Joi.string().trim().min(1).max(200).required(),
  email: Joi.string().email({ tlds: false }).max(254).required(),
  referrerId: objectId().allow(null),
  level: Joi.string().valid(...LEVELS).allow(null),
  isActive: Joi.boolean().strict(),
  isVerified: Joi.boolean().strict(),
  walletBalance: balance(),
}).required();
const idParams = Joi.object({ id: objectId().required() });
const usersQuery = Joi.object({ email: Joi.string().email({ tlds: false }).max(254), ...pageQuery });

/** The customer's own account and direct referrals (mounted at /api, behind the bearer token). */
export function accountRoutes(ctx: AppContext): Router {
  const router = Router();
  router.get('/me', async (req, res) => {
    const user = await getUser(ctx.data, req.userId!);
    const rewardPoints = await pointsOfUser(ctx.data, user._id);
    res.json({
      success: true,
      data: {
        id: user._id.toString(),
        name: user.name,
        walletBalance: user.walletBalance,
        rewardPoints,
        level: user.level,
        lifetimeSpend: user.lifetimeSpend,
      },
    });
  });

  router.get('/referrals', async (req, res) => {
    const page = validate(referralsQuery, req.query, 'query');
    res.json({ success: true, data: await referralsOf(ctx.data, req.userId!, page) });
  });
  return router;
}

/** Admin: create and find users, issue a customer's token (mounted at /api/admin, behind the admin credentials). */
export function adminAccountRoutes(ctx: AppContext, tokens: TokenService): Router {
  const router = Router();
  router.post('/users', async (req, res) => {
    const body = validate(newUserBody, req.body, 'body');
    const user = await createUser(ctx, body, ctx.config.admin.username);
    ctx.log.info('user created', { userId: user._id.toString(), referrerId: body.referrerId ?? null });
    res.status(201).json({ success: true, data: presentUser(user, 0) }); // a new user has no ledger entries yet
  });

  router.get('/users', async (req, res) => {
    res.json({ success: true, data: await findUsers(ctx.data, validate(usersQuery, req.query, 'query')) });
  });

  router.get('/users/:id', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    res.json({ success: true, data: await userForSupport(ctx.data, id) });
  });

  router.post('/users/:id/token', async (req, res) => {
    const { id } = validate(idParams, req.params, 'params');
    validate(noBody(), req.body ?? {}, 'body');
    const user = await getUser(ctx.data, id);
    const { token, expiresAt } = await tokens.issue(user._id.toString());
    res.status(201).json({ success: true, data: { id: user._id.toString(), token, expiresAt } });
  });
  return router;
}
