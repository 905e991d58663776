import type { Queryable } from '../db/db';

/**
 * Fixed-window counter in the database (shared by every cloud instance). Returns the seconds to
 * wait when `key` is over `max` requests in the current window, else 0.
 */
export async function hitRateLimit(q: Queryable, key: string, max: number, windowSeconds: number, now: Date): Promise<number> {
  const nowSec = Math.floor(now.getTime() / 1000);
  const windowStart = nowSec - (nowSec % windowSeconds);
  const r = await q.query<{ count: number }>(
    `INSERT INTO rate_windows (key, window_start, count) VALUES ($1, $2, 1)
     ON CONFLICT (key, window_start) DO UPDATE SET count = rate_windows.count + 1
     RETURNING count`,
    [key, windowStart],
  );
  // Old windows are dropped now and then by whoever starts a new one.
  if (r.rows[0]!.count === 1) await q.query('DELETE FROM rate_windows WHERE key = $1 AND window_start < $2', [key, windowStart]);
  return r.rows[0]!.count > max ? windowStart + windowSeconds - nowSec : 0;
}
