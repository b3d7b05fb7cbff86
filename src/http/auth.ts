import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { Unauthenticated } from '../shared/errors.js';

const ISSUER = 'checkout-rewards';
const AUDIENCE = 'customer';

/** Signs and checks customer bearer tokens (HS256 JWT naming the user; a token without expiry is refused). */
export class TokenService {
  private readonly key: Uint8Array;
  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(userId: string): Promise<{ token: string; expiresAt: Date }> {
    const expiresAt = new Date(Date.now() + this.ttlSeconds * 1000);
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt()
      .setExpirationTime(Math.floor(expiresAt.getTime() / 1000))
      .sign(this.key);
    return { token, expiresAt };
  }

  async verify(token: string): Promise<string> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
      if (typeof payload.sub !== 'string' || !/^[0-9a-f]{24}$/.test(payload.sub)) throw new Unauthenticated('Invalid token');
      return payload.sub;
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new Unauthenticated('Token expired');
      throw new Unauthenticated('Invalid token');
    }
  }
}

declare module 'express-serve-static-core' {
  interface Request {
    userId?: string;
    requestId?: string;
  }
}

export function requireCustomer(tokens: TokenService): RequestHandler {
  return async (req: Request, _res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    // Auth schemes are case-insensitive (RFC 7235 §2.1): `bearer` and `BEARER` are `Bearer`.
    const match = /^Bearer +([A-Za-z0-9._-]+)$/i.exec(header);
    if (!match) throw new Unauthenticated('Missing bearer token');
    req.userId = await tokens.verify(match[1]!);
    next();
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** HTTP Basic for admins; compares digests in constant time so timing tells nothing. */
export function requireAdmin(username: string, password: string): RequestHandler {
  const expectedUser = digest(username);
  const expectedPassword = digest(password);
  return (req: Request, res: Response, next: NextFunction) => {
    const header = req.get('authorization') ?? '';
    const match = /^Basic +([A-Za-z0-9+/=]+)$/i.exec(header);
    let ok = false;
    if (match) {
      const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon >= 0) {
        const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), expectedUser);
        const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), expectedPassword);
        ok = userOk && passwordOk;
      }
    }
    if (!ok) {
      res.set('WWW-Authenticate', 'Basic realm="checkout-rewards admin", charset="UTF-8"');
      throw new Unauthenticated('Admin credentials required');
    }
    next();
  };
}
