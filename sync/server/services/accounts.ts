/** Staff accounts: creation, sign-in with lock-out, sessions. */
import type { CloudContext } from '../context';
import type { Queryable } from '../db/db';
import { httpError } from '../errors';
import { iso, newId } from '../ids';
import { dummyPasswordHash, hashPassword, newToken, tokenHash, verifyPassword } from '../auth/secrets';
import type { StaffRole } from '../auth/auth';

export interface AccountView {
  id: string;
  username: string;
  displayName: string;
  role: StaffRole;
  countyId: string | null;
  disabled: boolean;
}

export const MIN_PASSWORD_LENGTH = 10;

export async function createAccount(
  q: Queryable,
  input: { username: string; password: string; role: StaffRole; countyId?: string | null; displayName?: string },
): Promise<AccountView> {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9._-]{3,64}$/.test(username)) {
    throw httpError('protocol.bad-request', { zh: '用户名只能用 3–64 个小写字母、数字、点、横线或下划线。', en: 'User names are 3–64 lowercase letters, digits, dots, dashes or underscores.' });
  }
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw httpError('protocol.bad-request', { zh: `密码至少 ${MIN_PASSWORD_LENGTH} 个字符。`, en: `Passwords need at least ${MIN_PASSWORD_LENGTH} characters.` });
  }
  const countyId = input.role === 'county-admin' ? (input.countyId ?? null) : null;
  if (input.role === 'county-admin' && !countyId) {
    throw httpError('protocol.bad-request', { zh: '县级管理员必须属于一个县。', en: 'A county admin must belong to a county.' });
  }
  const exists = await q.query('SELECT 1 FROM accounts WHERE username = $1', [username]);
  if (exists.rows.length) throw httpError('conflict', { zh: `用户名“${username}”已被使用，请换一个。`, en: `The user name "${username}" is taken; choose another.` });
  const id = newId();
  await q.query('INSERT INTO accounts (id, username, display_name, password_hash, role, county_id) VALUES ($1, $2, $3, $4, $5, $6)', [
    id,
    username,
    input.displayName ?? '',
    await hashPassword(input.password),
    input.role,
    countyId,
  ]);
  return { id, username, displayName: input.displayName ?? '', role: input.role, countyId, disabled: false };
}

export async function listAccounts(q: Queryable, countyId?: string | null): Promise<AccountView[]> {
  const r = await q.query<{ id: string; username: string; display_name: string; role: StaffRole; county_id: string | null; disabled: boolean }>(
    `SELECT id, username, display_name, role, county_id, disabled FROM accounts ${countyId ? 'WHERE county_id = $1' : ''} ORDER BY username`,
    countyId ? [countyId] : [],
  );
  return r.rows.map((a) => ({ id: a.id, username: a.username, displayName: a.display_name, role: a.role, countyId: a.county_id, disabled: a.disabled }));
}

const badCredentials = () =>
  httpError('auth.bad-credentials', { zh: '用户名或密码不对，请重新输入。', en: 'Wrong user name or password. Please try again.' });

function locked(seconds: number) {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return httpError(
    'auth.locked',
    { zh: `密码错误次数太多，账号已锁定，请 ${minutes} 分钟后再试。`, en: `Too many wrong passwords: the account is locked. Try again in ${minutes} min.` },
    { retryAfterSeconds: seconds },
  );
}

export interface LoginResult {
  token: string;
  expiresAt: string;
  account: AccountView;
}

/**
 * Sign in. `limits.loginMaxFailures` failures within `lockoutWindowSeconds` lock the account for
 * `lockoutSeconds` (even the right password is refused while locked). State is in the accounts row.
 */
export async function login(ctx: CloudContext, username: string, password: string): Promise<LoginResult> {
  const now = ctx.clock();
  const r = await ctx.db.query<{
    id: string; username: string; display_name: string; role: StaffRole; county_id: string | null; disabled: boolean;
    password_hash: string; failed_count: number; failed_window_start: unknown; locked_until: unknown;
  }>('SELECT * FROM accounts WHERE username = $1', [username.trim().toLowerCase()]);
  const a = r.rows[0];
  if (!a || a.disabled) {
    await verifyPassword(password, await dummyPasswordHash());
    throw badCredentials();
  }
  const lockedUntil = a.locked_until ? new Date(iso(a.locked_until)!).getTime() : 0;
  if (lockedUntil > now.getTime()) throw locked(Math.ceil((lockedUntil - now.getTime()) / 1000));

  if (!(await verifyPassword(password, a.password_hash))) {
    const windowStart = a.failed_window_start ? new Date(iso(a.failed_window_start)!).getTime() : 0;
    const inWindow = now.getTime() - windowStart < ctx.limits.lockoutWindowSeconds * 1000;
    // Atomic increment: concurrent wrong guesses on two instances all count.
    const u = await ctx.db.query<{ failed_count: number }>(
      `UPDATE accounts SET
         failed_count = CASE WHEN $2 THEN failed_count + 1 ELSE 1 END,
         failed_window_start = CASE WHEN $2 THEN failed_window_start ELSE $3 END
       WHERE id = $1 RETURNING failed_count`,
      [a.id, inWindow && windowStart > 0, now],
    );
    if (u.rows[0]!.failed_count >= ctx.limits.loginMaxFailures) {
      await ctx.db.query('UPDATE accounts SET locked_until = $2, failed_count = 0, failed_window_start = NULL WHERE id = $1', [
        a.id,
        new Date(now.getTime() + ctx.limits.lockoutSeconds * 1000),
      ]);
      throw locked(ctx.limits.lockoutSeconds);
    }
    throw badCredentials();
  }
  await ctx.db.query('UPDATE accounts SET failed_count = 0, failed_window_start = NULL, locked_until = NULL WHERE id = $1', [a.id]);
  const token = newToken('tps');
  const expiresAt = new Date(now.getTime() + ctx.limits.sessionMaxSeconds * 1000);
  await ctx.db.query('INSERT INTO sessions (token_hash, account_id, created_at, last_seen_at, expires_at) VALUES ($1, $2, $3, $3, $4)', [
    tokenHash(token),
    a.id,
    now,
    expiresAt,
  ]);
  // Expired sessions of this account are cleaned up on each sign-in.
  await ctx.db.query('DELETE FROM sessions WHERE account_id = $1 AND expires_at <= $2', [a.id, now]);
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    account: { id: a.id, username: a.username, displayName: a.display_name, role: a.role, countyId: a.county_id, disabled: a.disabled },
  };
}

export async function logout(q: Queryable, sessionHash: string): Promise<void> {
  await q.query('DELETE FROM sessions WHERE token_hash = $1', [sessionHash]);
}
