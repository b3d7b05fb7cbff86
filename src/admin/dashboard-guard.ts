import type { Request, RequestHandler } from 'express';
import { Forbidden, UnsupportedMediaType } from '../shared/errors.js';

const SAFE_METHODS = new Set(['GET', 'HEAD']);

/** The request's media type without parameters (`req.is` answers null when there is no body). */
const mediaType = (req: Request) => (req.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();

/** True when the request's `Origin` names this very host (scheme left to the TLS proxy in front). */
function isSameOrigin(origin: string, req: Request): boolean {
  try {
    return new URL(origin).host === req.get('host');
  } catch {
    return false; // `null` (sandboxed frames, file:, some redirects) or garbage: not us
  }
}

/**
 * Cross-site request forgery protection for Agendash. A browser that once logged in to the dashboard
 * sends the cached Basic credentials with *any* request to it, also one made by another site's form
 * or script, so authentication alone does not tell the admin's clicks from a hostile page's.
 *
 * - Every state-changing request must be `application/json`. A cross-site HTML form can only send
 *   `application/x-www-form-urlencoded`, `multipart/form-data` or `text/plain`; a cross-site `fetch`
 *   with a JSON content type needs a CORS preflight first, which this service never grants.
 * - A present `Origin` or `Sec-Fetch-Site` must say same-origin. Browsers send them on every POST,
 *   so this refuses cross-site (and same-site sibling) requests even if a browser bug or a future
 *   Agendash change let a form through; clients without them (curl, scripts) are not browsers and
 *   cannot be forged into sending the admin's cached credentials.
 *
 * Reads (GET/HEAD) stay open to cross-site navigation so that links to the dashboard work; none of
 * them changes anything and the dashboard cannot be framed (see security-headers.ts).
 */
export const dashboardGuard: RequestHandler = (req, _res, next) => {
  if (SAFE_METHODS.has(req.method)) return next();
  const origin = req.get('origin');
  if (origin !== undefined && !isSameOrigin(origin, req)) throw new Forbidden('Cross-origin requests to the dashboard are refused');
  const fetchSite = req.get('sec-fetch-site');
  if (fetchSite !== undefined && fetchSite !== 'same-origin') throw new Forbidden('Cross-site requests to the dashboard are refused');
  if (mediaType(req) !== 'application/json') throw new UnsupportedMediaType('Dashboard requests that change jobs must be application/json');
  next();
};
