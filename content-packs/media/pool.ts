/** Run async jobs with at most `limit` in flight (default: number of CPU cores). Node 16 APIs only. */
import { cpus } from 'node:os';

export function defaultConcurrency(): number {
  return Math.max(1, cpus().length);
}

/**
 * Map `items` through `fn` with bounded concurrency. Every item is attempted even when some fail;
 * results come back in input order as settled outcomes (so a build can report every problem at once).
 */
export async function mapSettled<T, R>(
  items: readonly T[],
  fn: (item: T, index: number) => Promise<R>,
  limit = defaultConcurrency(),
): Promise<Array<PromiseSettledResult<R>>> {
  const results: Array<PromiseSettledResult<R>> = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      try {
        results[i] = { status: 'fulfilled', value: await fn(items[i]!, i) };
      } catch (reason) {
        results[i] = { status: 'rejected', reason };
      }
    }
  };
  const n = Math.max(1, Math.min(limit, items.length));
  await Promise.all(Array.from({ length: n }, worker));
  return results;
}

/** A counting semaphore: at most `limit` holders at once (e.g. ffmpeg transcodes = CPU cores). */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}
