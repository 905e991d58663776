/**
 * Who is calling: a device (per-device bearer token) or a staff member (session token from sign-in,
 * as a bearer token or the `tp_session` cookie). Everything is looked up in the database on every
 * request, so any cloud instance can serve any request.
 */
import type { FastifyRequest } from 'fastify';
import type { CloudContext } from '../context';
import { httpError } from '../errors';
import { iso } from '../ids';
import { tokenHash } from './secrets';

export interface DeviceAuth {
  kind: 'device';
  deviceId: string;
  schoolId: string;
}

export type StaffRole = 'province-admin' | 'county-admin';
export interface StaffAuth {
  kind: 'staff';
  accountId: string;
  username: string;
  role: StaffRole;
  /** Set for county admins: the only county they may see. */
  countyId: string | null;
  sessionHash: string;
}

export const SESSION_COOKIE = 'tp_session';

export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (typeof h === 'string' && h.startsWith('Bearer ')) return h.slice(7).trim();
  return undefined;
}

export function cookieValue(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (typeof header !== 'string') return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

const needEnroll = () =>
  httpError('auth.required', {
    zh: '这台电脑还没有登记到县里的云端，或登记已失效。请向县电教馆要一个登记码重新登记。',
    en: 'This computer is not enrolled with the county cloud, or its enrollment is no longer valid. Ask county staff for an enrollment code and enroll again.',
  });

/**
 * Authenticates a device request and counts it against the device's rate limit — one statement
 * (lookup + counter upsert), because it runs before every push and pull.
 */
export async function authDevice(ctx: CloudContext, req: FastifyRequest): Promise<DeviceAuth> {
  const token = bearerToken(req);
  if (!token || !token.startsWith('tpd_')) throw needEnroll();
  const nowSec = Math.floor(ctx.clock().getTime() / 1000);
  const windowSeconds = ctx.limits.rateWindowSeconds;
  const windowStart = nowSec - (nowSec % windowSeconds);
  const r = await ctx.db.query<{ id: string; school_id: string; revoked_at: unknown; count: number | null }>(
    `WITH d AS (SELECT id, school_id, revoked_at FROM devices WHERE token_hash = $1),
          r AS (INSERT INTO rate_windows (key, window_start, count)
                SELECT 'device:' || d.id, $2, 1 FROM d WHERE d.revoked_at IS NULL
                ON CONFLICT (key, window_start) DO UPDATE SET count = rate_windows.count + 1
                RETURNING count)
     SELECT d.id, d.school_id, d.revoked_at, (SELECT count FROM r) AS count FROM d`,
    [tokenHash(token), windowStart],
  );
  const row = r.rows[0];
  if (!row) throw needEnroll();
  if (row.revoked_at) {
    throw httpError(
      'auth.device-revoked',
      {
        zh: '县电教馆已停用这台电脑的登记。请向县电教馆要一个新的登记码重新登记；本机数据不会丢失。',
        en: 'County staff revoked this computer’s enrollment. Ask them for a new enrollment code and enroll again; nothing on this computer is lost.',
      },
      { revokedAt: iso(row.revoked_at) },
    );
  }
  const count = Number(row.count ?? 0);
  // The first request of a window drops the device's older windows.
  if (count === 1) await ctx.db.query('DELETE FROM rate_windows WHERE key = $1 AND window_start < $2', [`device:${row.id}`, windowStart]);
  if (count > ctx.limits.deviceRequestsPerWindow) throw rateLimited(windowStart + windowSeconds - nowSec);
  return { kind: 'device', deviceId: row.id, schoolId: row.school_id };
}

export function rateLimited(retryAfterSeconds: number) {
  return httpError(
    'rate.limited',
    {
      zh: `请求太频繁，请 ${retryAfterSeconds} 秒后再试（会自动重试）。`,
      en: `Too many requests; try again in ${retryAfterSeconds} s (retried automatically).`,
    },
    { retryAfterSeconds },
  );
}

/** Authenticates a staff request; slides the idle expiry. */
export async function authStaff(ctx: CloudContext, req: FastifyRequest): Promise<StaffAuth> {
  const token = bearerToken(req) ?? cookieValue(req, SESSION_COOKIE);
  const expired = () =>
    httpError('auth.session-expired', { zh: '登录已过期或尚未登录，请重新登录。', en: 'Your session has expired or you are not signed in. Please sign in again.' });
  if (!token || !token.startsWith('tps_')) throw expired();
  const hash = tokenHash(token);
  const now = ctx.clock();
  const r = await ctx.db.query<{ account_id: string; username: string; role: StaffRole; county_id: string | null; disabled: boolean; last_seen_at: unknown; expires_at: unknown }>(
    `SELECT s.account_id, a.username, a.role, a.county_id, a.disabled, s.last_seen_at, s.expires_at
       FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1`,
    [hash],
  );
  const row = r.rows[0];
  if (!row || row.disabled) throw expired();
  const lastSeen = new Date(iso(row.last_seen_at)!).getTime();
  const expiresAt = new Date(iso(row.expires_at)!).getTime();
  if (now.getTime() >= expiresAt || now.getTime() - lastSeen >= ctx.limits.sessionIdleSeconds * 1000) {
    await ctx.db.query('DELETE FROM sessions WHERE token_hash = $1', [hash]);
    throw expired();
  }
  // Slide the idle window at most once a minute (one write per minute, not per request).
  if (now.getTime() - lastSeen > 60_000) await ctx.db.query('UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1', [hash, now]);
  return { kind: 'staff', accountId: row.account_id, username: row.username, role: row.role, countyId: row.county_id, sessionHash: hash };
}
