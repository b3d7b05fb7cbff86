import type { RequestHandler } from 'express';
import helmet from 'helmet';

/**
 * Headers on every response (helmet): `X-Content-Type-Options: nosniff`, no framing
 * (`X-Frame-Options: DENY` and CSP `frame-ancestors 'none'`), no referrer, same-origin resource
 * and opener policies. The API answers JSON and text only, so its CSP allows nothing at all.
 * Agendash replaces this CSP with its own on everything it serves (its assets need `'self'`);
 * src/admin/dashboard.ts adds the framing and form directives to that one. /docs (Swagger UI) gets
 * one of its own, src/http/docs.ts.
 */
export const securityHeaders: RequestHandler = helmet({
  contentSecurityPolicy: {
    useDefaults: false,
    directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] },
  },
  frameguard: { action: 'deny' },
});

/** Directives appended to Agendash's own CSP, which has no say on framing, forms or plugins. */
export const DASHBOARD_CSP_ADDITIONS = "frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'";

/** Tokens and personal data must never be kept by a browser or a shared cache. */
export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
