/**
 * The data-dir lock (issue 10 items 2 and 3): one holder at a time even when many processes find
 * the same stale lock together; a full disk gives the bilingual store.disk-full and leaves no
 * lock behind.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { nodeStoreFs, type StoreFs } from './fs-seam';
import { acquireDataLock, lockFiles } from './lock';

const ROOT = resolve(__dirname, '../..');
/** A pid that is not running (above Linux's pid_max and Windows' practical range). */
const DEAD_PID = 999_999_999;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What a process killed with -9 while holding the lock leaves behind. */
async function leaveStaleLock(dataDir: string): Promise<void> {
  const release = await acquireDataLock(dataDir);
  const [name] = await lockFiles(dataDir);
  // Same lock file, but owned by a pid that no longer runs and an hour old.
  const from = join(dataDir, 'locks', name!);
  const to = join(dataDir, 'locks', name!.replace(/^\d+/, String(DEAD_PID)));
  fs.renameSync(from, to);
  const hourAgo = new Date(Date.now() - 3600_000);
  fs.utimesSync(to, hourAgo, hourAgo);
  void release;
}

describe('data-dir lock', () => {
  it('excludes a second holder (also in the same process) and takes over a dead owner’s lock', async () => {
    const release = await acquireDataLock(dir);
    await expect(acquireDataLock(dir)).rejects.toMatchObject({ code: 'store.locked' });
    await release();
    expect(await lockFiles(dir)).toEqual([]);
    await leaveStaleLock(dir);
    const r2 = await acquireDataLock(dir);
    expect(await lockFiles(dir)).toEqual([expect.stringMatching(new RegExp(`^${process.pid}-`))]);
    await r2();
    expect(await lockFiles(dir)).toEqual([]);
  });

  it('stale lock, 8 starters at once in one process: exactly one holds it', async () => {
    await leaveStaleLock(dir);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => acquireDataLock(dir)));
    const held = results.filter((r): r is PromiseFulfilledResult<() => Promise<void>> => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(held).toHaveLength(1);
    for (const r of refused) expect(r.reason).toMatchObject({ code: 'store.locked' });
    await held[0]!.value();
    expect(await lockFiles(dir)).toEqual([]);
  });

  it('a full disk (no room even for an empty file) → bilingual store.disk-full, no lock left behind', async () => {
    const full: StoreFs = {
      ...nodeStoreFs,
      open: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, open'), { code: 'ENOSPC' });
      },
      write: async () => {
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      },
    };
    fs.mkdirSync(join(dir, 'locks'));
    const err = await acquireDataLock(dir, full).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'store.disk-full' });
    expect((err as { localized: { zh: string; en: string } }).localized.zh).toContain('磁盘空间已满');
    expect(await lockFiles(dir)).toEqual([]);
    // and the next caller is not told "locked"
    const release = await acquireDataLock(dir);
    await release();
  });
});

describe('stale-lock takeover with many processes', () => {
  let child: string;
  let tmp: string;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'tp-lock-procs-'));
    child = join(tmp, 'lock-child.cjs');
    // A holder notes itself in held/ and looks for anyone else there before and after a pause.
    const contents = `
      import * as fs from 'node:fs';
      import { join } from 'node:path';
      import { acquireDataLock } from './lock';
      const [dataDir, go] = process.argv.slice(2);
      const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
      (async () => {
        process.stdout.write('ready\\n');
        while (!fs.existsSync(go!)) await sleep(1);
        let release: (() => Promise<void>) | null = null;
        try {
          release = await acquireDataLock(dataDir!);
        } catch (err) {
          process.stdout.write(String((err as { code?: string }).code) + '\\n');
          return;
        }
        const held = join(dataDir!, 'held');
        fs.mkdirSync(held, { recursive: true });
        const me = join(held, String(process.pid));
        fs.writeFileSync(me, '');
        const others = () => fs.readdirSync(held).filter((n) => n !== String(process.pid)).length;
        const before = others();
        await sleep(150);
        const after = others();
        fs.unlinkSync(me);
        await release();
        process.stdout.write(before + after > 0 ? 'overlap\\n' : 'held\\n');
      })();
    `;
    await build({ stdin: { contents, resolveDir: __dirname, loader: 'ts', sourcefile: 'lock-child.ts' }, outfile: child, bundle: true, platform: 'node', target: 'node16', format: 'cjs', logLevel: 'error', absWorkingDir: ROOT });
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  function start(dataDir: string, go: string): { ready: Promise<void>; done: Promise<string> } {
    const p = spawn(process.execPath, [child, dataDir, go], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    let onReady: () => void = () => undefined;
    const ready = new Promise<void>((r) => (onReady = r));
    p.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('ready')) onReady();
    });
    const done = new Promise<string>((res, rej) => {
      p.on('error', rej);
      p.on('close', () => res(out.replace('ready\n', '').trim()));
    });
    return { ready, done };
  }

  it('2 rounds × 8 processes started together on a stale lock: never two holders at once', async () => {
    const all: string[] = [];
    for (let round = 0; round < 2; round++) {
      const dataDir = join(tmp, `data-${round}`);
      await leaveStaleLock(dataDir);
      const go = join(tmp, `go-${round}`);
      const kids = Array.from({ length: 8 }, () => start(dataDir, go));
      await Promise.all(kids.map((k) => k.ready));
      fs.writeFileSync(go, '');
      const outcomes = await Promise.all(kids.map((k) => k.done));
      all.push(...outcomes);
      expect(outcomes.filter((o) => o === 'held').length).toBeGreaterThanOrEqual(1);
      expect(await lockFiles(dataDir)).toEqual([]);
    }
    expect(all.filter((o) => o !== 'held' && o !== 'store.locked')).toEqual([]);
  });
});
