import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import { openApiDocument } from './openapi/document.js';

/**
 * The API reference: the OpenAPI document as JSON at /openapi.json, and Swagger UI at /docs,
 * whose scripts and styles come from the installed swagger-ui-dist package (no CDN).
 */
export function docsRoutes(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  router.use('/docs', swaggerUi.serveFiles(openApiDocument), swaggerUi.setup(openApiDocument, { customSiteTitle: 'Checkout rewards API' }));
  return router;
}
