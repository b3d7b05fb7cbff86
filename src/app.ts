import express, { type Express, type Router } from 'express';
import type { AppContext } from './shared/context.js';
import { accountRoutes, adminAccountRoutes } from './accounts/routes.js';
import { dashboard } from './admin/dashboard.js';
import { adminAuditRoutes } from './books/routes.js';
import { cartRoutes } from './cart/routes.js';
import { adminCatalogRoutes, catalogRoutes } from './catalog/routes.js';
import { checkoutRoutes } from './checkout/routes.js';
import { opsRoutes } from './ops/routes.js';
import { adminPurchaseRoutes, purchaseRoutes } from './purchases/routes.js';
import { adminRefundRoutes } from './refunds/routes.js';
import { adminRewardRoutes, rewardRoutes } from './rewards/routes.js';
import { adminWalletRoutes, walletRoutes } from './wallet/routes.js';
import { requireAdmin, requireCustomer, type TokenService } from './http/auth.js';
import { errorHandler, notFoundRoute } from './http/error-handler.js';
import { jsonBody } from './http/json-body.js';
import { docsRoutes } from './http/docs.js';
import { requestLog } from './http/request-log.js';
import { noStore, securityHeaders } from './http/security-headers.js';

/**
 * The HTTP API, composed: every capability exports its customer routes and its admin routes
 * (each with its full paths under /api and /api/admin), and they are mounted here behind the
 * guard of their audience, with the toolkit of src/http/ around them and one error middleware
 * at the end. The worker's own ops port is composed in src/ops/ops-app.ts.
 */
export function createApp(ctx: AppContext, tokens: TokenService): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');

  const admin = requireAdmin(ctx.config.admin.username, ctx.config.admin.password);
  const customer = requireCustomer(tokens);
  const customerRoutes: Router[] = [
    accountRoutes(ctx),
    cartRoutes(ctx),
    checkoutRoutes(ctx),
    purchaseRoutes(ctx),
    rewardRoutes(ctx),
    walletRoutes(ctx),
    catalogRoutes(ctx),
  ];
  const adminRoutes: Router[] = [
    adminAccountRoutes(ctx, tokens),
    adminWalletRoutes(ctx),
    adminCatalogRoutes(ctx),
    adminRewardRoutes(ctx),
    adminPurchaseRoutes(ctx),
    adminRefundRoutes(ctx),
    adminAuditRoutes(ctx),
  ];

  app.use(requestLog(ctx.log, ctx.metrics));
  app.use(securityHeaders);
  app.use(opsRoutes(ctx, { forOperators: ctx.config.metrics.public }));
  // Agendash has no auth of its own: the admin credentials guard it; dashboard() guards it from other sites.
  app.use('/admin/jobs', admin, dashboard(ctx));
  app.use(docsRoutes());

  app.use('/api', noStore, ...jsonBody(ctx.config.bodyLimitBytes));
  // Past the admin credentials, an unknown admin route is a 404 (not the customer guard's 401).
  app.use('/api/admin', admin, ...adminRoutes, notFoundRoute);
  app.use('/api', customer, ...customerRoutes);

  app.use(notFoundRoute);
  app.use(errorHandler(ctx.log));
  return app;
}
