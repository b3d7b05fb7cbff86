import express, { type Express } from 'express';
import type { AppContext } from '../shared/context.js';
import { accountRoutes } from '../accounts/routes.js';
import { adminRoutes } from '../admin/routes.js';
import { catalogRoutes } from '../catalog/routes.js';
import { purchaseRoutes } from '../purchases/routes.js';
import { rewardRoutes } from '../rewards/routes.js';
import { docsRoutes } from './docs.js';
import { cartRoutes } from '../cart/routes.js';
import { checkoutRoutes } from '../checkout/routes.js';
import { walletRoutes } from '../wallet/routes.js';
import { opsRoutes } from '../ops/routes.js';
import { requireAdmin, requireCustomer, TokenService } from './auth.js';
import { dashboard } from './dashboard.js';
import { errorHandler, notFoundRoute } from './error-handler.js';
import { jsonBody } from './json-body.js';
import { requestLog } from './request-log.js';
import { noStore, securityHeaders } from './security-headers.js';

/** The HTTP API: thin routes over the use cases, one error middleware at the end. */
export function createApp(ctx: AppContext, tokens: TokenService): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  const admin = requireAdmin(ctx.config.admin.username, ctx.config.admin.password);
  const customer = requireCustomer(tokens);

  app.use(requestLog(ctx.log, ctx.metrics));
  app.use(securityHeaders);
  app.use(opsRoutes(ctx, { forOperators: ctx.config.metrics.public }));
  // Agendash has no auth of its own: the admin credentials guard it; dashboard() guards it from other sites.
  app.use('/admin/jobs', admin, dashboard(ctx));
  app.use(docsRoutes());

  app.use('/api', noStore, ...jsonBody(ctx.config.bodyLimitBytes));
  app.use('/api/admin', admin, adminRoutes(ctx, tokens));
  app.use('/api/cart', customer, cartRoutes(ctx));
  app.use('/api', customer, accountRoutes(ctx), checkoutRoutes(ctx), purchaseRoutes(ctx), rewardRoutes(ctx), walletRoutes(ctx), catalogRoutes(ctx));

  app.use(notFoundRoute);
  app.use(errorHandler(ctx.log));
  return app;
}
