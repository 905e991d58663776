import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportProgress } from '../../common/bridge/methods/packs';
import { PackLibrary } from '../device/pack-library';
import { enrolTestRoot, snapshotDir, writeTestPack, testTrust } from './test-helpers';
import { makeTestTrust } from '../format/testing';
import { nodeEd25519 } from '../node/ed25519-node';
import { bytesSource, inspectZip } from '../format/zip-reader';
import { nodeStoreFs } from '../store/fs-seam';

let tmp: string;
let data: string;
let src: string;
beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tp-import-'));
  data = join(tmp, 'data');
  src = join(tmp, 'stick');
  await enrolTestRoot(data);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const small = (prefix: string, n: number, size = 200_000) => Array.from({ length: n }, (_, i) => ({ seed: `${prefix}-${i}`, size: size + i * 1013, title: `第${i + 1}课 ${prefix}` }));
const noDisk = { diskFree: async () => ({ totalBytes: 1e12, freeBytes: 1e12 }) };

describe('import, update, remove', () => {
  it('imports a pack: blobs verified into the store, index switched, media resolvable, progress reported', async () => {
    const pack = await writeTestPack(src, { blobs: [...small('a', 5), { seed: 'sub', size: 3000, mime: 'text/vtt' }] });
    const lib = new PackLibrary({ dataDir: data, ...noDisk });
    const progress: ImportProgress[] = [];
    const changed: string[][] = [];
    lib.onChanged((p) => changed.push(p.map((x) => `${x.id}@${x.version}`)));
    const [r] = await lib.import(pack.path, { onProgress: (p) => progress.push(p) });
    expect(r).toMatchObject({ id: pack.id, version: 1, previousVersion: null, alreadyInstalled: false, blobsCopied: 6, blobsSkipped: 0 });
    expect(r!.bytesCopied).toBe(pack.blobs.reduce((s, b) => s + b.size, 0));
    const list = await lib.list();
    expect(list).toEqual([expect.objectContaining({ id: pack.id, version: 1, resourceCount: 5, publisher: (await testTrust()).cert.subject.keyId })]);
    expect(changed).toEqual([[`${pack.id}@1`]]);
    for (const b of pack.blobs) {
      const m = await lib.media.resolve(b.sha256);
      expect(m).toMatchObject({ size: b.size, mime: b.mime });
      expect(fs.readFileSync(m!.path).equals(b.bytes)).toBe(true);
    }
    expect(progress[0]!.phase).toBe('verifying');
    expect(progress.at(-1)).toMatchObject({ phase: 'done', bytesDone: r!.bytesCopied, bytesTotal: r!.bytesCopied });
    expect(progress.some((p) => p.phase === 'copying' && p.currentTitle?.startsWith('第'))).toBe(true);
    expect((await lib.scrub()).bad).toEqual([]);
    expect(await lib.store.listTemps()).toEqual([]);
    // re-import: nothing copied
    const [again] = await lib.import(pack.path);
    expect(again).toMatchObject({ alreadyInstalled: true, blobsCopied: 0, blobsSkipped: 6 });
  });

  it('v2 over v1 copies only the blobs v1 lacks, then frees v1-only blobs; downgrade refused unless forced', async () => {
    const shared = small('shared', 3);
    const v1 = await writeTestPack(src, { version: 1, blobs: [...shared, ...small('v1only', 2)] });
    const v2 = await writeTestPack(src, { version: 2, blobs: [...shared, ...small('v2only', 2)] });
    const lib = new PackLibrary({ dataDir: data, ...noDisk });
    await lib.import(v1.path);
    const [r2] = await lib.import(v2.path);
    const v1only = v1.blobs.slice(3);
    const v2only = v2.blobs.slice(3);
    expect(r2).toMatchObject({ version: 2, previousVersion: 1, blobsCopied: 2, blobsSkipped: 3 });
    expect(r2!.bytesCopied).toBe(v2only.reduce((s, b) => s + b.size, 0));
    expect(r2!.bytesFreed).toBe(v1only.reduce((s, b) => s + b.size, 0));
    for (const b of v1only) expect(await lib.store.has(b.sha256)).toBe(false);
    expect(fs.existsSync(join(data, 'packs', v1.id, '1'))).toBe(false);
    const before = snapshotDir(data);
    await expect(lib.import(v1.path)).rejects.toMatchObject({ code: 'import.downgrade' });
    expect(snapshotDir(data)).toEqual(before);
    const [forced] = await lib.import(v1.path, { force: true });
    expect(forced).toMatchObject({ version: 1, previousVersion: 2, blobsCopied: 2 });
    expect((await lib.list())[0]!.version).toBe(1);
    expect((await lib.scrub()).bad).toEqual([]);
  });

  it('remove frees blobs only that pack used; shared blobs stay for the other pack', async () => {
    const shared = small('common', 2);
    const a = await writeTestPack(src, { id: 'cn.test.a', blobs: [...shared, ...small('a', 2)] });
    const b = await writeTestPack(src, { id: 'cn.test.b', blobs: [...shared, ...small('b', 1)] });
    const lib = new PackLibrary({ dataDir: data, ...noDisk });
    const results = await lib.import(src); // a directory: every .tpk in it
    expect(results.map((r) => r.id).sort()).toEqual(['cn.test.a', 'cn.test.b']);
    const r = await lib.remove('cn.test.a');
    expect(r.bytesFreed).toBe(a.blobs.slice(2).reduce((s, x) => s + x.size, 0));
    for (const x of b.blobs) expect(await lib.store.has(x.sha256)).toBe(true);
    for (const x of a.blobs.slice(2)) expect(await lib.media.resolve(x.sha256)).toBeNull();
    expect((await lib.list()).map((p) => p.id)).toEqual(['cn.test.b']);
    await expect(lib.remove('cn.test.a')).rejects.toMatchObject({ code: 'packs.not-installed' });
  });

  it('export writes a verified .tpk that imports into another device identically', async () => {
    const pack = await writeTestPack(src, { blobs: [...small('e', 3), { seed: 'vtt', size: 5000, mime: 'text/vtt' }] });
    const lib = new PackLibrary({ dataDir: data, ...noDisk });
    await lib.import(pack.path);
    const out = join(tmp, 'stick2', 'TeachPoint');
    const r = await lib.export([pack.id], out);
    expect(r.files).toEqual([{ id: pack.id, version: 1, path: join(out, `${pack.id}-v1.tpk`), bytes: fs.statSync(join(out, `${pack.id}-v1.tpk`)).size }]);
    expect(fs.readdirSync(out)).toEqual([`${pack.id}-v1.tpk`]);
    const data2 = join(tmp, 'data2');
    await enrolTestRoot(data2);
    const lib2 = new PackLibrary({ dataDir: data2, ...noDisk });
    const found = await lib2.scanDirectory(join(tmp, 'stick2'));
    expect(found).toEqual([expect.objectContaining({ id: pack.id, version: 1, status: 'new', installedVersion: null })]);
    await lib2.import(join(tmp, 'stick2'));
    expect(snapshotDir(join(data2, 'content'))).toEqual(snapshotDir(join(data, 'content')));
    expect(fs.readFileSync(join(data2, 'packs', pack.id, '1', 'manifest.json')).equals(fs.readFileSync(join(data, 'packs', pack.id, '1', 'manifest.json')))).toBe(true);
    expect((await lib2.scanDirectory(join(tmp, 'stick2')))[0]!.status).toBe('installed');
  });

  it('export refuses when the target lacks space, before writing anything', async () => {
    const pack = await writeTestPack(src, { blobs: small('x', 2) });
    const lib = new PackLibrary({ dataDir: data, diskFree: async (p) => ({ totalBytes: 1e12, freeBytes: p.includes('tiny') ? 1000 : 1e12 }) });
    await lib.import(pack.path);
    await expect(lib.export([pack.id], join(tmp, 'tiny'))).rejects.toMatchObject({ code: 'export.disk-full' });
    expect(fs.readdirSync(join(tmp, 'tiny'))).toEqual([]);
  });
});

describe('refusals leave the library exactly as it was', () => {
  async function installedBase(): Promise<{ lib: PackLibrary; before: Record<string, string> }> {
    const base = await writeTestPack(join(tmp, 'base'), { id: 'cn.test.base', blobs: small('base', 2) });
    const lib = new PackLibrary({ dataDir: data, ...noDisk });
    await lib.import(base.path);
    return { lib, before: snapshotDir(data) };
  }

  it('untrusted publisher (root not enrolled) → import.untrusted', async () => {
    const { lib, before } = await installedBase();
    const other = await makeTestTrust({ ed25519: nodeEd25519 });
    const pack = await writeTestPack(src, { blobs: small('u', 2), trust: other });
    await expect(lib.import(pack.path)).rejects.toMatchObject({ code: 'import.untrusted' });
    expect(snapshotDir(data)).toEqual(before);
  });

  it('manifest changed after signing → import.bad-signature, nothing copied', async () => {
    const { lib, before } = await installedBase();
    const pack = await writeTestPack(src, { blobs: small('t', 2) });
    const bytes = fs.readFileSync(pack.path);
    const at = bytes.indexOf(Buffer.from('测试资源包'));
    bytes.write('改', at, 'utf8'); // same byte length (3 bytes in UTF-8)
    fs.writeFileSync(pack.path, bytes);
    const err = await lib.import(pack.path).catch((e) => e);
    expect(err.code).toBe('import.bad-signature');
    expect(JSON.stringify(err.details.problems)).toContain('pack.bad-signature');
    expect(snapshotDir(data)).toEqual(before);
  });

  it('a tampered blob (valid signature) → import.bad-blob, library unchanged (group commit: nothing committed yet)', async () => {
    const { lib, before } = await installedBase();
    const pack = await writeTestPack(src, { blobs: small('tb', 4) });
    const bytes = fs.readFileSync(pack.path);
    const last = pack.blobs[3]!;
    const at = bytes.indexOf(last.bytes.subarray(0, 64));
    bytes[at + 1000] = bytes[at + 1000]! ^ 0x01;
    fs.writeFileSync(pack.path, bytes);
    await expect(lib.import(pack.path)).rejects.toMatchObject({ code: 'import.bad-blob' });
    expect(snapshotDir(data)).toEqual(before);
  });

  it('a tampered blob after good ones were committed → import.bad-blob, the committed ones are taken back', async () => {
    await installedBase();
    // per-file commits (no group commit): every verified blob is in content/ before the next one is checked
    const lib = new PackLibrary({ dataDir: data, ...noDisk, fs: nodeStoreFs, afterBlob: () => void (committedSeen = Math.max(committedSeen, newBlobs())) });
    const before = snapshotDir(data);
    const newBlobs = () => Object.keys(snapshotDir(data)).filter((k) => k.startsWith('content/') && !(k in before)).length;
    let committedSeen = 0;
    const pack = await writeTestPack(src, { blobs: small('tc', 6) });
    const bytes = fs.readFileSync(pack.path);
    const inFile = [...(await inspectZip(bytesSource(bytes))).entries].filter((e) => e.name.startsWith('blobs/')).sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
    const last = inFile.at(-1)!;
    const at = last.localHeaderOffset + 30 + last.name.length + 1000;
    bytes[at] = bytes[at]! ^ 0x01;
    fs.writeFileSync(pack.path, bytes);
    await expect(lib.import(pack.path)).rejects.toMatchObject({ code: 'import.bad-blob' });
    expect(committedSeen).toBeGreaterThanOrEqual(3); // the take-back really had blobs to take back
    expect(snapshotDir(data)).toEqual(before);
  });

  it('the same version already installed, but this copy has a damaged blob → import.copy-damaged (not "already installed"), library unchanged', async () => {
    const pack = await writeTestPack(src, { blobs: small('cd', 3) });
    const lib = new PackLibrary({ dataDir: data, ...noDisk });
    await lib.import(pack.path);
    const before = snapshotDir(data);
    const bytes = fs.readFileSync(pack.path);
    const at = bytes.indexOf(pack.blobs[1]!.bytes.subarray(0, 64));
    bytes[at + 500] = bytes[at + 500]! ^ 0x01;
    const damaged = join(src, 'damaged-copy.tpk');
    fs.writeFileSync(damaged, bytes);
    const err = await lib.import(damaged).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'import.copy-damaged', details: { sha256: pack.blobs[1]!.sha256 } });
    expect((err as { localized: { zh: string } }).localized.zh).toContain('已损坏');
    expect(snapshotDir(data)).toEqual(before);
    // the intact copy is still "already installed"
    expect((await lib.import(pack.path))[0]).toMatchObject({ alreadyInstalled: true });
  });

  /** Rewrites one blob's local header in the pack file (central directory untouched). */
  async function breakLocalHeader(path: string, sha256: string, edit: (bytes: Buffer, localHeaderOffset: number) => void): Promise<void> {
    const bytes = fs.readFileSync(path);
    const entry = (await inspectZip(bytesSource(bytes))).get(`blobs/${sha256}`)!;
    edit(bytes, entry.localHeaderOffset);
    fs.writeFileSync(path, bytes);
  }

  it('a blob whose local header disagrees with the central directory → import.bad-pack, blobs copied before it are taken back', async () => {
    const { lib, before } = await installedBase();
    const pack = await writeTestPack(src, { blobs: small('lh', 4) });
    const inFile = [...(await inspectZip(bytesSource(fs.readFileSync(pack.path)))).entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
    const lastBlob = inFile.filter((e) => e.name.startsWith('blobs/')).pop()!;
    // the local name says another blob (first hex digit changed); the central directory is intact
    await breakLocalHeader(pack.path, lastBlob.name.slice('blobs/'.length), (bytes, lho) => {
      const at = lho + 30 + 'blobs/'.length;
      bytes[at] = bytes[at] === 0x30 ? 0x31 : 0x30;
    });
    const err = await lib.import(pack.path).catch((e) => e);
    expect(err.code).toBe('import.bad-pack');
    expect(JSON.stringify(err.details.problems)).toContain('pack.zip-corrupt');
    expect(JSON.stringify(err.details.problems)).toContain(lastBlob.name);
    expect(snapshotDir(data)).toEqual(before);
  });

  it('a local header that disagrees for a blob the store already has is refused too, library unchanged', async () => {
    const { lib } = await installedBase();
    const shared = small('base', 2)[0]!;
    const pack = await writeTestPack(src, { blobs: [shared, ...small('lh2', 2)] });
    const sha = pack.blobs[0]!.sha256;
    const before = snapshotDir(data);
    expect(Object.keys(before).some((k) => k.endsWith(sha))).toBe(true); // really skipped, not copied
    await breakLocalHeader(pack.path, sha, (bytes, lho) => bytes.writeUInt16LE(8, lho + 8)); // method DEFLATE vs STORE
    await expect(lib.import(pack.path)).rejects.toMatchObject({ code: 'import.bad-pack' });
    expect(snapshotDir(data)).toEqual(before);
  });

  it('a local header whose extra field pushes the data into the next entry → refused (overlap), library unchanged', async () => {
    const { lib, before } = await installedBase();
    const pack = await writeTestPack(src, { blobs: small('ov', 3) });
    await breakLocalHeader(pack.path, pack.blobs[0]!.sha256, (bytes, lho) => bytes.writeUInt16LE(bytes.readUInt16LE(lho + 28) + 64, lho + 28));
    const err = await lib.import(pack.path).catch((e) => e);
    expect(err.code).toBe('import.bad-pack');
    expect(JSON.stringify(err.details.problems)).toMatch(/pack\.(overlapping-entries|zip-corrupt)/);
    expect(snapshotDir(data)).toEqual(before);
  });

  it('a truncated pack → refused before copying (import.truncated or bad-pack)', async () => {
    const { lib, before } = await installedBase();
    const pack = await writeTestPack(src, { blobs: small('tr', 3) });
    for (const keep of [0.5, 0.999]) {
      const bytes = fs.readFileSync(pack.path);
      const cut = join(src, `cut-${keep}.tpk`);
      fs.writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * keep)));
      const err = await lib.import(cut).catch((e) => e);
      expect(['import.truncated', 'import.bad-pack']).toContain(err.code);
    }
    fs.writeFileSync(join(src, 'empty.tpk'), '');
    await expect(lib.import(join(src, 'empty.tpk'))).rejects.toMatchObject({ code: expect.stringMatching(/^import\./) });
    expect(snapshotDir(data)).toEqual(before);
  });

  it('not enough free space for missing bytes + reserve → import.disk-full before copying', async () => {
    const base = await writeTestPack(join(tmp, 'base'), { id: 'cn.test.base', blobs: small('base', 2) });
    let free = 1e12;
    const lib = new PackLibrary({ dataDir: data, diskFree: async () => ({ totalBytes: 1e12, freeBytes: free }) });
    await lib.import(base.path);
    const before = snapshotDir(data);
    const pack = await writeTestPack(src, { blobs: small('big', 3) });
    const missing = pack.blobs.reduce((s, b) => s + b.size, 0);
    free = missing + 500 * 1024 * 1024 - 1;
    const err = await lib.import(pack.path).catch((e) => e);
    expect(err.code).toBe('import.disk-full');
    expect(err.details).toMatchObject({ neededBytes: missing, reserveBytes: 500 * 1024 * 1024 });
    expect(snapshotDir(data)).toEqual(before);
    free = missing + 500 * 1024 * 1024;
    await lib.import(pack.path);
  });

  it('cancel via AbortSignal mid-copy → import.cancelled, index unchanged, temps cleaned', async () => {
    const { before } = await installedBase();
    const ac = new AbortController();
    const lib = new PackLibrary({ dataDir: data, ...noDisk, afterBlob: (done) => { if (done === 2) ac.abort(); } });
    const pack = await writeTestPack(src, { blobs: small('c', 6) });
    await expect(lib.import(pack.path, { signal: ac.signal })).rejects.toMatchObject({ code: 'import.cancelled' });
    expect(snapshotDir(data)['packs.json']).toBe(before['packs.json']);
    expect(await lib.store.listTemps()).toEqual([]);
    // resume: the blobs copied before the cancel are skipped
    const [r] = await new PackLibrary({ dataDir: data, ...noDisk }).import(pack.path);
    expect(r!.blobsSkipped).toBeGreaterThanOrEqual(2);
    expect(r!.blobsCopied + r!.blobsSkipped).toBe(6);
  });

  it('missing file / empty folder → import.not-found / import.no-packs', async () => {
    const lib = new PackLibrary({ dataDir: data, ...noDisk });
    await expect(lib.import(join(tmp, 'nope.tpk'))).rejects.toMatchObject({ code: 'import.not-found' });
    fs.mkdirSync(join(tmp, 'emptydir'));
    await expect(lib.import(join(tmp, 'emptydir'))).rejects.toMatchObject({ code: 'import.no-packs' });
  });
});
