import express, { type Express } from 'express';
import type { AppContext } from '../shared/context.js';
import { errorHandler, notFoundRoute } from '../http/error-handler.js';
import { securityHeaders } from '../http/security-headers.js';
import { opsRoutes } from './routes.js';

/**
 * An internal listener for operators: /health, /ready with its detail, and /metrics only. A
 * worker's own port (`npm run worker`, WORKER_HTTP_PORT) and the API's METRICS_PORT.
 */
export function createOpsApp(ctx: AppContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(securityHeaders, opsRoutes(ctx, { forOperators: true }), notFoundRoute, errorHandler(ctx.log));
  return app;
}
