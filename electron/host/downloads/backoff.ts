/**
 * Full-jitter exponential backoff for downloads: the n-th retry waits a uniformly random time in
 * [0, min(cap, base·2ⁿ)]; first retry ≤ 2 s, cap 10 min (DESIGN §5.7). Same rule and constants as
 * sync/client/backoff.ts, which the node layer may not import (browser layer); see docs/downloads.md.
 */
export const BACKOFF_BASE_MS = 2_000;
export const BACKOFF_CAP_MS = 10 * 60_000;

export function backoffDelayMs(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 30)));
}
