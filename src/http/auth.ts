// Bearer-token authentication for every API route, and per-route role checks.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Role } from '../storage/schema.ts';
import type { Principal } from '../services/principals.ts';
import type { TokenAuthenticator } from '../services/token-auth.ts';
import { hashToken } from '../services/principals.ts';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
    /** The hash of the bearer token that authenticated this request, for the rate limiter's key. */
    tokenHash: string | null;
  }
}

export function bearerToken(req: FastifyRequest): string | null {
  const h = req.headers.authorization;
  if (h && /^bearer\s+/i.test(h)) return h.replace(/^bearer\s+/i, '').trim() || null;
  // Cloudflare's legacy key header, so scripts using X-Auth-Key keep working.
  const key = req.headers['x-auth-key'];
  return typeof key === 'string' && key ? key : null;
}

export function authenticate(tokens: TokenAuthenticator) {
  return async (req: FastifyRequest) => {
    const token = bearerToken(req);
    // Hashed once: the cache's key, and the rate limiter's for a token that authenticated.
    const hash = token ? hashToken(token) : null;
    req.principal = hash ? await tokens.principal(hash) : null;
    req.tokenHash = req.principal ? hash : null;
  };
}

export type AuthFailure = { status: 401 | 403; field: string; message: string };

export function checkRole(req: FastifyRequest, roles: readonly Role[]): AuthFailure | null {
  if (!req.principal) {
    return bearerToken(req)
      ? { status: 401, field: 'Authorization', message: 'the API token is not valid or has been revoked' }
      : { status: 401, field: 'Authorization', message: 'an API token is required: send "Authorization: Bearer <token>"' };
  }
  if (!roles.includes(req.principal.role)) {
    return { status: 403, field: 'Authorization', message: `this action needs the ${roles.join(' or ')} role; your token has the ${req.principal.role} role` };
  }
  return null;
}

/** preHandler for native routes: 401/403 in the native error shape. */
export function requireRole(...roles: Role[]) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    const f = checkRole(req, roles);
    if (f) return reply.code(f.status).send({ errors: [{ field: f.field, message: f.message }] });
  };
}
