// Shared helpers for benchmarks (files starting with "_" are not listed as benchmarks).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/**
 * Run `fn` with this process's block-device reads throttled to `bytesPerSecond` on the disk that
 * holds `path` — a USB stick at the kernel level: the kernel's readahead and page cache behave as
 * they do with a real slow device (a page already cached is not read again), and child processes
 * (`cp`) and worker threads are throttled alike. Uses the cgroup v1 blkio controller
 * (`blkio.throttle.read_bps_device`) or cgroup v2 `io.max`; needs root. When neither is
 * available it runs nothing and returns the reason in `skipped`.
 */
export async function withThrottledReads<T>(path: string, bytesPerSecond: number, fn: () => Promise<T>): Promise<{ result: T } | { skipped: string }> {
  const dev = statSync(path).dev;
  let major = Math.floor(dev / 256) & 0xfff;
  let minor = (dev & 0xff) | ((Math.floor(dev / 4096) & 0xfff00) >>> 0);
  // Throttling applies to whole disks: map a partition to its disk.
  const sys = `/sys/dev/block/${major}:${minor}`;
  if (existsSync(join(sys, 'partition'))) {
    const parent = readFileSync(join(sys, '..', 'dev'), 'utf8').trim().split(':');
    major = Number(parent[0]);
    minor = Number(parent[1]);
  }
  const rule = `${major}:${minor}`;
  const v1 = '/sys/fs/cgroup/blkio';
  const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers') ? '/sys/fs/cgroup' : null;
  let group: string;
  let root: string;
  try {
    if (existsSync(join(v1, 'blkio.throttle.read_bps_device'))) {
      root = v1;
      group = join(v1, `tp-bench-${process.pid}`);
      mkdirSync(group);
      writeFileSync(join(group, 'blkio.throttle.read_bps_device'), `${rule} ${Math.round(bytesPerSecond)}`);
    } else if (v2 && readFileSync(join(v2, 'cgroup.controllers'), 'utf8').includes('io')) {
      root = v2;
      group = join(v2, `tp-bench-${process.pid}`);
      mkdirSync(group);
      writeFileSync(join(group, 'io.max'), `${rule} rbps=${Math.round(bytesPerSecond)}`);
    } else return { skipped: 'no cgroup blkio (v1) or io (v2) controller' };
  } catch (err) {
    return { skipped: `cannot create a throttling cgroup (needs root): ${(err as Error).message}` };
  }
  try {
    writeFileSync(join(group, 'cgroup.procs'), String(process.pid));
    try {
      return { result: await fn() };
    } finally {
      writeFileSync(join(root, 'cgroup.procs'), String(process.pid));
    }
  } finally {
    try {
      rmdirSync(group);
    } catch {
      // a child still inside: the kernel removes the empty group later
    }
  }
}
