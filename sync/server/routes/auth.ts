/** Staff sign-in (docs/sync-protocol.md §10): bearer token or HttpOnly SameSite=Strict cookie. */
import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { API_PREFIX } from '../../protocol/version';
import { SESSION_COOKIE, authStaff, rateLimited } from '../auth/auth';
import { parseBody } from '../body';
import { login, logout } from '../services/accounts';
import { hitRateLimit } from '../services/rate';

const LoginSchema = z.object({ username: z.string().min(1).max(64), password: z.string().min(1).max(256) });

export const authRoutes: FastifyPluginAsync = async (app) => {
  const ctx = app.cloud;

  app.post(`${API_PREFIX}/auth/login`, async (req, reply) => {
    // Per address, on top of the per-account lock-out: slows spraying many accounts from one place.
    const wait = await hitRateLimit(ctx.db, `login:${req.ip}`, ctx.limits.loginAttemptsPerWindow, ctx.limits.addressWindowSeconds, ctx.clock());
    if (wait > 0) throw rateLimited(wait);
    const { username, password } = parseBody(req, LoginSchema);
    const result = await login(ctx, username, password);
    const secure = ctx.publicUrl.startsWith('https:') ? '; Secure' : '';
    void reply.header('set-cookie', `${SESSION_COOKIE}=${result.token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${ctx.limits.sessionMaxSeconds}${secure}`);
    return result;
  });

  app.post(`${API_PREFIX}/auth/logout`, async (req, reply) => {
    const staff = await authStaff(ctx, req).catch(() => undefined);
    if (staff) await logout(ctx.db, staff.sessionHash);
    void reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return { ok: true };
  });

  app.get(`${API_PREFIX}/auth/me`, async (req) => {
    const staff = await authStaff(ctx, req);
    return { accountId: staff.accountId, username: staff.username, role: staff.role, countyId: staff.countyId };
  });
};
