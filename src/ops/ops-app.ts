import express, { type Express } from 'express';
import type { AppContext } from '../shared/context.js';
import { errorHandler, notFoundRoute } from '../http/error-handler.js';
import { securityHeaders } from '../http/security-headers.js';
import { opsRoutes } from './routes.js';

/** A worker's own listener (`npm run worker`): /health, /ready and /metrics only. */
export function createOpsApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders, opsRoutes(ctx), notFoundRoute, errorHandler(ctx.log));
  return app;
}
