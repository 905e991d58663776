// Shared helpers for benchmarks (files starting with "_" are not listed as benchmarks).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Wall-clock seconds of an async function. */
export async function timeSeconds(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** Ask the kernel to drop page caches (needs root; silently skipped otherwise). Returns whether it worked. */
export function dropPageCaches(): boolean {
  const sync = spawnSync('sync');
  if (sync.status !== 0) return false;
  const r = spawnSync('sh', ['-c', 'echo 3 > /proc/sys/vm/drop_caches'], { stdio: 'ignore' });
  return r.status === 0;
}

/** Temp dir under BENCH_TMP (or the OS temp dir) removed when `cleanup` is called. */
export function benchDir(prefix: string): { dir: string; cleanup: () => void } {
  const base = process.env.BENCH_TMP ?? tmpdir();
  const dir = mkdtempSync(join(base, `tp-bench-${prefix}-`));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The last line of every benchmark: one JSON object. */
export function printResult(result: Record<string, unknown> & { bench: string }): void {
  console.log(JSON.stringify(result));
}
