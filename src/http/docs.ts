import { Router } from 'express';

/** Placeholder until the OpenAPI document lands. */
export function docsRoutes(): Router {
  return Router();
}
