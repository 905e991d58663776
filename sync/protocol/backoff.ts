/**
 * Full-jitter exponential backoff (AWS architecture blog, "Exponential Backoff and Jitter"): the
 * n-th retry waits a uniformly random time in [0, min(cap, base·2ⁿ)], so thousands of devices that
 * lost the same cloud do not come back in step. First retry ≤ 2 s, cap 10 min (DESIGN §5.7); a
 * server's `Retry-After` is a floor.
 */
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 10 * 60_000;

export function backoffDelayMs(attempt: number, random: () => number, retryAfterMs = 0): number {
  const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 30));
  return Math.max(Math.floor(random() * ceiling), retryAfterMs);
}

/** `Retry-After` as seconds or an HTTP date → milliseconds from `now` (0 when absent or unreadable). */
export function parseRetryAfter(value: string | undefined, now: number): number {
  if (!value) return 0;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : 0;
}
