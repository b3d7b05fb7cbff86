import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Router, type RequestHandler } from 'express';
import swaggerUi, { type SwaggerUiOptions } from 'swagger-ui-express';
import { openApiDocument } from './openapi/document.js';

const SWAGGER_UI_OPTIONS: SwaggerUiOptions = { customSiteTitle: 'Checkout rewards API', customCss: '' };

/** The swagger-ui-dist that swagger-ui-express serves the page's scripts from. */
const swaggerUiDist = (): string => {
  const fromExpress = createRequire(createRequire(import.meta.url).resolve('swagger-ui-express'));
  return (fromExpress('swagger-ui-dist/absolute-path') as () => string)();
};

/**
 * `<style>` elements the page's scripts render (React's `createElement("style", null, "…")`; today
 * the Swagger logo's SVG in the top bar), read from the very files the page loads.
 */
function stylesRenderedByScripts(html: string): string[] {
  const dist = swaggerUiDist();
  const files = [...html.matchAll(/<script src="\.\/([\w.-]+\.js)">/g)].map((m) => path.join(dist, m[1]!)).filter((file) => existsSync(file));
  return files.flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(/createElement\("style",null,("(?:[^"\\]|\\.)*")\)/g)].map((m) => JSON.parse(m[1]!) as string),
  );
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;

/**
 * Swagger UI's page needs more than the API's `default-src 'none'`, and no more than this: its
 * scripts and stylesheet from this origin (swagger-ui-dist, no CDN); the inline `<style>` blocks
 * and the one `style` attribute of the page swagger-ui-express writes, and the `<style>` its
 * scripts render, by hash (computed from the page and the scripts themselves, so an upgrade that
 * changes them changes the hashes with it); its icons, which its stylesheet inlines as `data:`
 * images; and "Try it out" requests to this origin.
 */
export function docsContentSecurityPolicy(html: string): string {
  const styleBlocks = [...[...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!), ...stylesRenderedByScripts(html)].map(sha256);
  const styleAttributes = [...html.matchAll(/\sstyle="([^"]*)"/g)].map((m) => sha256(m[1]!));
  const unique = (hashes: string[]) => [...new Set(hashes)].join(' ');
  return [
    "default-src 'none'",
    "script-src 'self'",
    `style-src 'self' ${unique(styleBlocks)}`,
    `style-src-attr 'unsafe-hashes' ${unique(styleAttributes)}`,
    "img-src 'self' data:",
    "connect-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/**
 * The API reference: the OpenAPI document as JSON at /openapi.json, and Swagger UI at /docs,
 * whose scripts and styles come from the installed swagger-ui-dist package (no CDN). Only /docs
 * gets the wider CSP its page needs; everything else keeps the API's.
 */
export function docsRoutes(): Router {
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
  const csp = docsContentSecurityPolicy(swaggerUi.generateHTML(openApiDocument, SWAGGER_UI_OPTIONS));
  const docsCsp: RequestHandler = (_req, res, next) => {
    res.setHeader('Content-Security-Policy', csp);
    next();
  };
  router.use('/docs', docsCsp, swaggerUi.serveFiles(openApiDocument), swaggerUi.setup(openApiDocument, SWAGGER_UI_OPTIONS));
  return router;
}
