/**
 * Fault tests (issue 4 item 9): kill -9 mid-import, the stick pulled mid-import, the disk filling
 * up (ENOSPC injected at the store's fs seam), and — in import.test.ts — tampered and truncated
 * packs. Each asserts the library is never half-changed.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PackLibrary } from '../device/pack-library';
import { nodeStoreFs, type StoreFs } from '../store/fs-seam';
import { PackIndex } from '../store/pack-index';
import { lockFiles } from '../store/lock';
import { TeachPointError } from '../../common/errors/errors';
import { enrolTestRoot, fullDiskFs as fullDisk, snapshotDir, writeTestPack, type TestPack } from './test-helpers';

const ROOT = resolve(__dirname, '../..');
/** The CLI bundled the way the Electron build bundles host code (node16, CJS): starts in ~0.1 s instead of tsx's seconds. */
let CLI: string;
const noDisk = { diskFree: async () => ({ totalBytes: 1e12, freeBytes: 1e12 }) };

let tmp: string;
let v1: TestPack;
let v2: TestPack;
/** A data dir with v1 installed, copied fresh for every trial. */
let baseData: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tp-faults-'));
  CLI = join(tmp, 'teachpoint.cjs');
  await build({ entryPoints: [join(ROOT, 'content-packs/device/cli/main.ts')], outfile: CLI, bundle: true, platform: 'node', target: 'node16', format: 'cjs', logLevel: 'error', absWorkingDir: ROOT });
  const shared = Array.from({ length: 3 }, (_, i) => ({ seed: `shared-${i}`, size: 1_000_000 + i, title: `共享第${i + 1}课` }));
  v1 = await writeTestPack(join(tmp, 'stick'), { version: 1, blobs: [...shared, { seed: 'v1-only', size: 500_000 }] });
  // ~20 MB of blobs v1 lacks: 10 × ~1.7 MB plus a 3 MB one, so kills land inside and between blobs
  v2 = await writeTestPack(join(tmp, 'stick'), {
    version: 2,
    blobs: [...shared, ...Array.from({ length: 10 }, (_, i) => ({ seed: `v2-${i}`, size: 1_700_000 + i * 7919, title: `第${i + 4}课` })), { seed: 'v2-big', size: 3_000_000 }, { seed: 'v2-sub', size: 40_000, mime: 'text/vtt' }],
  });
  baseData = join(tmp, 'base-data');
  await enrolTestRoot(baseData);
  await new PackLibrary({ dataDir: baseData, ...noDisk }).import(v1.path);
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function freshData(name: string): string {
  const d = join(tmp, name);
  cpSync(baseData, d, { recursive: true });
  return d;
}

/** The visible library is one complete version: every referenced blob is present and hashes right. */
async function assertConsistent(data: string): Promise<number> {
  const idx = await new PackIndex(data).read();
  expect(idx.packs).toHaveLength(1);
  const rec = idx.packs[0]!;
  const expected = rec.version === 1 ? v1 : v2;
  expect(rec.version === 1 || rec.version === 2).toBe(true);
  expect(rec.blobs.map((b) => b.sha256).sort()).toEqual(expected.blobs.map((b) => b.sha256).sort());
  expect(fs.existsSync(join(data, rec.metaDir, 'manifest.json'))).toBe(true);
  const lib = new PackLibrary({ dataDir: data });
  for (const b of rec.blobs) {
    const m = await lib.media.resolve(b.sha256);
    expect(m, `blob ${b.sha256} of visible v${rec.version}`).not.toBeNull();
    expect(createHash('sha256').update(fs.readFileSync(m!.path)).digest('hex')).toBe(b.sha256);
  }
  return rec.version;
}

function runCliImport(data: string, killAfterCopyStartMs: number | null): Promise<{ killed: boolean; code: number | null; stderr: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [CLI, 'packs', 'import', v2.path, '--data', data, '--reserve-mb', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    let killed = false;
    let timer: NodeJS.Timeout | null = null;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      // the first progress line is printed when copying starts
      if (killAfterCopyStartMs !== null && timer === null && stderr.includes('[')) {
        timer = setTimeout(() => {
          killed = child.kill('SIGKILL');
        }, killAfterCopyStartMs);
      }
    });
    child.stdout.resume();
    child.on('error', rej);
    child.on('exit', (code, signal) => {
      if (timer) clearTimeout(timer);
      res({ killed: killed && signal === 'SIGKILL', code, stderr });
    });
  });
}

describe('kill -9 of the importing process', () => {
  it('at 20 random points: the visible library is always one whole version; resuming completes; scrub clean', async () => {
    // Calibrate: how long does the copy phase take in a child on this machine?
    const cal = freshData('calibrate');
    const t0 = Date.now();
    let copyStart = 0;
    await new Promise<void>((res, rej) => {
      const child = spawn(process.execPath, [CLI, 'packs', 'import', v2.path, '--data', cal, '--reserve-mb', '0'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
      child.stderr.on('data', (d: Buffer) => {
        if (!copyStart && d.toString().includes('[')) copyStart = Date.now();
      });
      child.on('error', rej);
      child.on('exit', (code) => (code === 0 ? res() : rej(new Error(`calibration import exited ${code}`))));
    });
    const copyMs = Math.max(20, Date.now() - (copyStart || t0));
    expect(await assertConsistent(cal)).toBe(2);

    const outcomes: Array<{ delay: number; killed: boolean; visible: number; v2BlobsPresent: number; temps: number }> = [];
    for (let trial = 0; trial < 20; trial++) {
      const data = freshData(`kill-${trial}`);
      const delay = Math.floor(Math.random() * copyMs * 1.2);
      const run = await runCliImport(data, delay);
      const visible = await assertConsistent(data);
      const lib = new PackLibrary({ dataDir: data, ...noDisk });
      let present = 0;
      for (const b of v2.blobs) if (await lib.store.has(b.sha256, b.size)) present++;
      const temps = (await lib.store.listTemps()).length;
      outcomes.push({ delay, killed: run.killed, visible, v2BlobsPresent: present, temps });
      if (!run.killed) expect(run.code, run.stderr).toBe(0);
      // resume (in-process, same code as the CLI): completes, copies only what is missing
      const [r] = await lib.import(v2.path, { reserveBytes: 0 });
      expect(r!.version).toBe(2);
      if (visible === 1) expect(r!.blobsSkipped).toBeGreaterThanOrEqual(present === v2.blobs.length ? v2.blobs.length : 3);
      expect(await assertConsistent(data)).toBe(2);
      expect((await lib.scrub()).bad).toEqual([]);
      expect(await lib.store.listTemps()).toEqual([]);
      // v1-only blob was freed after the switch
      expect(await lib.store.has(v1.blobs[3]!.sha256)).toBe(false);
      rmSync(data, { recursive: true, force: true });
    }
    // At least one kill must have landed while blobs were being copied (v1 still visible, and
    // temp files or already-verified v2 blobs on disk).
    const midCopy = outcomes.filter((o) => o.killed && o.visible === 1 && (o.temps > 0 || o.v2BlobsPresent > 3)).length;
    console.log(`kill -9: copy phase ≈ ${copyMs} ms; ${outcomes.filter((o) => o.killed).length}/20 killed, ${midCopy} mid-copy`, JSON.stringify(outcomes));
    expect(midCopy).toBeGreaterThan(0);
  }, 180_000);
});

describe('the stick is pulled mid-import', () => {
  it('source file and folder deleted after the 3rd verified blob → import.source-gone, temps cleaned, library unchanged', async () => {
    const data = freshData('pulled');
    const stick = join(tmp, 'pulled-stick');
    fs.mkdirSync(stick);
    const file = join(stick, 'v2.tpk');
    fs.copyFileSync(v2.path, file);
    const before = snapshotDir(data);
    const lib = new PackLibrary({
      dataDir: data,
      ...noDisk,
      afterBlob: (done) => {
        if (done === 3) rmSync(stick, { recursive: true, force: true });
      },
    });
    const err = await lib.import(file, { reserveBytes: 0 }).catch((e) => e);
    expect(err.code).toBe('import.source-gone');
    expect(err.localized.zh).toContain('U盘');
    expect(err.localized.en).toContain('USB stick');
    expect(await lib.store.listTemps()).toEqual([]);
    const after = snapshotDir(data);
    // visible library unchanged: same index, same manifests, all old blobs untouched
    for (const [k, v] of Object.entries(before)) expect(after[k], k).toBe(v);
    // only verified (unreferenced) blobs were added — kept so the re-run skips them
    const added = Object.keys(after).filter((k) => !(k in before));
    expect(added.every((k) => k.startsWith('content/'))).toBe(true);
    for (const k of added) expect(k.split('/').pop()).toBe(after[k]);
    expect(await assertConsistent(data)).toBe(1);
    // stick back in: the re-run skips what was verified before
    const [r] = await new PackLibrary({ dataDir: data, ...noDisk }).import(v2.path, { reserveBytes: 0 });
    expect(r!.blobsSkipped).toBe(3 + added.length);
    expect(await assertConsistent(data)).toBe(2);
  });

  it('read errors from the device (EIO) mid-blob → import.source-gone, library unchanged', async () => {
    const data = freshData('eio');
    const before = snapshotDir(data);
    let reads = 0;
    const eio: StoreFs = {
      ...nodeStoreFs,
      read: async (...a) => {
        if (++reads === 4) throw Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
        return nodeStoreFs.read(...a);
      },
    };
    const lib = new PackLibrary({ dataDir: data, ...noDisk, fs: eio });
    await expect(lib.import(v2.path, { reserveBytes: 0 })).rejects.toMatchObject({ code: 'import.source-gone' });
    expect(await lib.store.listTemps()).toEqual([]);
    const after = snapshotDir(data);
    for (const [k, v] of Object.entries(before)) expect(after[k], k).toBe(v);
    expect(await assertConsistent(data)).toBe(1);
  });
});

describe('the disk fills up', () => {
  /** ENOSPC once `budget` more bytes have been written through the seam (like a small tmpfs). */
  function smallDisk(budget: number): StoreFs {
    let used = 0;
    return {
      ...nodeStoreFs,
      write: async (fd, buf, off, len, pos) => {
        if (used + len > budget) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        used += len;
        return nodeStoreFs.write(fd, buf, off, len, pos);
      },
    };
  }

  for (const budget of [0, 2_500_000, 9_000_000]) {
    it(`ENOSPC after ${budget} bytes → import.disk-full, clean stop, data dir exactly as before`, async () => {
      const data = freshData(`full-${budget}`);
      const before = snapshotDir(data);
      const lib = new PackLibrary({ dataDir: data, ...noDisk, fs: smallDisk(budget) });
      const err = await lib.import(v2.path, { reserveBytes: 0 }).catch((e) => e);
      expect(err.code).toBe('import.disk-full');
      expect(err.localized.zh).toContain('空间不足');
      expect(snapshotDir(data)).toEqual(before);
      expect(await assertConsistent(data)).toBe(1);
    });
  }

  it('ENOSPC while writing the new index → import.disk-full, old index intact', async () => {
    const data = freshData('full-index');
    const before = snapshotDir(data);
    const failIndex: StoreFs = {
      ...nodeStoreFs,
      open: async (path, flags, mode) => {
        if (path.includes('packs.json.') && flags === 'w') throw Object.assign(new Error('ENOSPC'), { code: 'ENOSPC' });
        return nodeStoreFs.open(path, flags, mode);
      },
    };
    const lib = new PackLibrary({ dataDir: data, ...noDisk, fs: failIndex });
    await expect(lib.import(v2.path, { reserveBytes: 0 })).rejects.toMatchObject({ code: 'import.disk-full' });
    expect(snapshotDir(data)['packs.json']).toBe(before['packs.json']);
    expect(await assertConsistent(data)).toBe(1);
    expect(await lib.store.listTemps()).toEqual([]);
  });
});

describe('a completely full disk (0 bytes free)', () => {
  const enospc = (op: string) => Object.assign(new Error(`ENOSPC: no space left on device, ${op}`), { code: 'ENOSPC' });
  const zeroFree = { diskFree: async () => ({ totalBytes: 1e9, freeBytes: 0 }) };

  it('packs remove works and frees the space; store scrub works; import then gives import.disk-full, not a raw ENOSPC', async () => {
    const data = freshData('zero-free');
    const lib = new PackLibrary({ dataDir: data, ...zeroFree, fs: fullDisk() });

    const scrub = await lib.scrub();
    expect(scrub).toMatchObject({ checked: v1.blobs.length, bad: [] });
    expect(await lockFiles(data)).toEqual([]);

    const before = snapshotDir(data);
    const imp = await lib.import(v2.path, { reserveBytes: 0 }).catch((e: unknown) => e);
    expect(imp).toMatchObject({ code: 'import.disk-full' });
    expect((imp as TeachPointError).localized.zh).toContain('空间不足');
    expect((imp as TeachPointError).localized.en).toContain('disk space');
    expect(snapshotDir(data)).toEqual(before);
    expect(await lockFiles(data)).toEqual([]);

    const removed = await lib.remove(v1.id);
    expect(removed).toMatchObject({ id: v1.id, version: 1 });
    expect(removed.bytesFreed).toBe(v1.blobs.reduce((s, b) => s + b.size, 0));
    expect(await lib.list()).toEqual([]);
    for (const b of v1.blobs) expect(await lib.store.has(b.sha256)).toBe(false);
    expect(fs.existsSync(join(data, 'packs', v1.id, '1'))).toBe(false);
    expect(await lockFiles(data)).toEqual([]);
  });

  it('writes failing even when unknown free space passes the check → import.disk-full, library unchanged', async () => {
    const data = freshData('zero-free-unknown');
    const before = snapshotDir(data);
    const lib = new PackLibrary({ dataDir: data, ...noDisk, fs: fullDisk() });
    const err = await lib.import(v2.path, { reserveBytes: 0 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'import.disk-full' });
    expect(snapshotDir(data)).toEqual(before);
    expect(await assertConsistent(data)).toBe(1);
    expect(await lockFiles(data)).toEqual([]);
  });

  it('not even an empty file fits (no free inode): scrub, remove and import give bilingual *.disk-full, no lock left', async () => {
    const data = freshData('no-inode');
    const noInode: StoreFs = {
      ...fullDisk(),
      open: async (path, flags, mode) => {
        if (flags.includes('w')) throw enospc('open');
        return nodeStoreFs.open(path, flags, mode);
      },
      mkdir: async (path) => {
        if (!fs.existsSync(path)) throw enospc('mkdir');
      },
    };
    const lib = new PackLibrary({ dataDir: data, ...zeroFree, fs: noInode });
    for (const run of [() => lib.scrub(), () => lib.remove(v1.id), () => lib.import(v2.path, { reserveBytes: 0 })]) {
      const err = await run().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TeachPointError);
      expect((err as TeachPointError).code).toMatch(/^(store|import)\.disk-full$/);
      expect((err as TeachPointError).localized.zh).toMatch(/空间/);
      expect(await lockFiles(data)).toEqual([]);
    }
    expect(await assertConsistent(data)).toBe(1);
  });
});
