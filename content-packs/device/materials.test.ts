import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveFfmpeg, resolveFfprobe } from '../media';
import { enrolTestRoot, writeTestPack } from '../import/test-helpers';
import { nodeStoreFs, type StoreFs } from '../store/fs-seam';
import { MaterialsIndex } from '../store/materials-index';
import { PackLibrary } from './pack-library';
import { MaterialLibrary } from './materials';

const bigDisk = { diskFree: async () => ({ totalBytes: 1e12, freeBytes: 1e12 }) };
let root: string;
let fixtures: { avi: string; png: string; pdf: string; notPdf: string; broken: string; docx: string };

const sha = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

beforeAll(() => {
  root = fs.mkdtempSync(join(tmpdir(), 'tp-materials-'));
  const src = join(root, 'src');
  fs.mkdirSync(src);
  const ffmpeg = resolveFfmpeg();
  const avi = join(src, '旧录像.avi');
  // MPEG-4 Part 2 + MP2 in AVI: Chromium plays neither container nor codecs.
  execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=160x120:rate=10', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=22050', '-t', '1', '-c:v', 'mpeg4', '-c:a', 'mp2', '-shortest', avi]);
  const png = join(src, '挂图.png');
  execFileSync(ffmpeg, ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=red:size=32x24', '-frames:v', '1', png]);
  const pdf = join(src, '学习单.pdf');
  fs.writeFileSync(pdf, '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n');
  const notPdf = join(src, 'fake.pdf');
  fs.writeFileSync(notPdf, 'this is not a pdf at all');
  const broken = join(src, 'broken.mp4');
  fs.writeFileSync(broken, Buffer.alloc(4096, 7));
  const docx = join(src, '教案.docx');
  fs.writeFileSync(docx, 'PK\u0003\u0004');
  fixtures = { avi, png, pdf, notPdf, broken, docx };
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function freshLibrary(options: ConstructorParameters<typeof MaterialLibrary>[1] = {}) {
  const dataDir = fs.mkdtempSync(join(root, 'data-'));
  const packs = new PackLibrary({ dataDir, ...bigDisk });
  return { dataDir, packs, materials: new MaterialLibrary(packs, { ...bigDisk, ...options }) };
}

function blobFile(dataDir: string, sha256: string): string {
  return join(dataDir, 'content', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
}

describe('MaterialLibrary.add', () => {
  it('stores an image and a PDF as they are (same bytes, same hash) and records them durably', async () => {
    const { dataDir, materials } = freshLibrary();
    const changed: number[] = [];
    materials.onChanged((list) => changed.push(list.length));
    const img = await materials.add(fixtures.png);
    expect(img).toMatchObject({ kind: 'image', title: '挂图', originalName: '挂图.png', converted: false, thumbnail: null, attachedTo: [] });
    expect(img.blob).toEqual({ sha256: sha(fixtures.png), size: fs.statSync(fixtures.png).size, mime: 'image/png' });
    const pdf = await materials.add(fixtures.pdf, { title: ' 第一课学习单 ' });
    expect(pdf).toMatchObject({ kind: 'pdf', title: '第一课学习单', converted: false });
    expect(pdf.blob).toEqual({ sha256: sha(fixtures.pdf), size: fs.statSync(fixtures.pdf).size, mime: 'application/pdf' });
    expect(fs.readFileSync(blobFile(dataDir, pdf.blob.sha256)).equals(fs.readFileSync(fixtures.pdf))).toBe(true);
    // Newest first, in the index file on disk, and the source files untouched.
    const onDisk = JSON.parse(fs.readFileSync(join(dataDir, 'materials.json'), 'utf8')) as { materials: Array<{ id: string }> };
    expect(onDisk.materials.map((m) => m.id)).toEqual([pdf.id, img.id]);
    expect(await materials.list()).toEqual([pdf, img]);
    expect(changed).toEqual([1, 2]);
    expect(fs.existsSync(fixtures.pdf)).toBe(true);
    // Served by hash through the materials resolver (and nothing else is).
    const served = await materials.media.resolve(img.blob.sha256);
    expect(served).toEqual({ path: blobFile(dataDir, img.blob.sha256), size: img.blob.size, mime: 'image/png', sha256: img.blob.sha256 });
    expect(await materials.media.resolve('0'.repeat(64))).toBeNull();
    expect(await materials.media.resolve('../../etc/passwd')).toBeNull();
  });

  it('converts a tiny AVI (MPEG-4 + MP2) to H.264/AAC MP4 with faststart and a thumbnail', async () => {
    const { dataDir, materials } = freshLibrary();
    const phases: string[] = [];
    const m = await materials.add(fixtures.avi, { onProgress: (p) => phases.push(p.phase) });
    expect(m).toMatchObject({ kind: 'video', title: '旧录像', converted: true });
    expect(m.blob.mime).toBe('video/mp4');
    expect(m.blob.sha256).not.toBe(sha(fixtures.avi));
    expect(m.durationSec).toBeGreaterThan(0.5);
    expect(m.thumbnail?.mime).toBe('image/jpeg');
    const out = blobFile(dataDir, m.blob.sha256);
    expect(sha(out)).toBe(m.blob.sha256);
    const probe = JSON.parse(
      execFileSync(resolveFfprobe(), ['-v', 'error', '-print_format', 'json', '-show_streams', '-show_format', out]).toString(),
    ) as { streams: Array<{ codec_name: string }>; format: { format_name: string } };
    expect(probe.streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    expect(probe.format.format_name).toContain('mp4');
    // +faststart: the moov box comes before mdat.
    const head = fs.readFileSync(out).subarray(0, 64 * 1024).toString('latin1');
    expect(head.indexOf('moov')).toBeGreaterThan(0);
    expect(head.indexOf('moov')).toBeLessThan(head.indexOf('mdat') === -1 ? Infinity : head.indexOf('mdat'));
    expect(fs.existsSync(blobFile(dataDir, m.thumbnail!.sha256))).toBe(true);
    expect(phases[0]).toBe('checking');
    expect(phases).toContain('converting');
    expect(phases.at(-1)).toBe('done');
    // Scratch space is cleaned up.
    expect(fs.readdirSync(join(dataDir, 'work', String(process.pid)))).toEqual([]);
  });

  it('refuses bad input with a bilingual error and changes nothing', async () => {
    const { dataDir, materials } = freshLibrary();
    const cases: Array<[string, string]> = [
      [fixtures.docx, 'materials.unsupported-type'],
      [fixtures.notPdf, 'materials.unreadable'],
      [fixtures.broken, 'materials.unreadable'],
      [join(root, 'src', 'missing.mp4'), 'materials.not-found'],
    ];
    for (const [file, code] of cases) {
      const err = (await materials.add(file).catch((e: unknown) => e)) as { code: string; localized: { zh: string; en: string } };
      expect(err.code, file).toBe(code);
      expect(err.localized.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(err.localized.en.length).toBeGreaterThan(20);
    }
    expect(fs.existsSync(join(dataDir, 'materials.json'))).toBe(false);
    expect(fs.existsSync(join(dataDir, 'content'))).toBe(false);
  });

  it('refuses when the disk is too full, before copying anything', async () => {
    const { dataDir, materials } = freshLibrary({ diskFree: async () => ({ totalBytes: 1e9, freeBytes: 1000 }) });
    await expect(materials.add(fixtures.pdf)).rejects.toMatchObject({ code: 'materials.disk-full' });
    expect(fs.existsSync(join(dataDir, 'content'))).toBe(false);
    expect(await materials.list()).toEqual([]);
  });
});

describe('attach / detach / remove and garbage collection', () => {
  it('attaches to an installed lesson only, detaches, and remove frees bytes nothing else uses', async () => {
    const { dataDir, packs, materials } = freshLibrary();
    const m = await materials.add(fixtures.png);
    await expect(materials.attach(m.id, 'cn.none', 'l1')).rejects.toMatchObject({ code: 'packs.not-installed' });
    await enrolTestRoot(dataDir);
    const pack = await writeTestPack(join(dataDir, '..', `stick-${Date.now()}`), { id: 'cn.real', blobs: [{ seed: 'v', size: 1000 }] });
    await packs.import(pack.path);
    await expect(materials.attach(m.id, 'cn.real', 'nope')).rejects.toMatchObject({ code: 'materials.no-lesson' });
    await expect(materials.attach('missing', 'cn.real', 'l1')).rejects.toMatchObject({ code: 'materials.unknown' });
    const attached = await materials.attach(m.id, 'cn.real', 'l1');
    expect(attached.attachedTo).toEqual([{ packId: 'cn.real', lessonId: 'l1' }]);
    expect((await materials.attach(m.id, 'cn.real', 'l1')).attachedTo).toHaveLength(1); // idempotent
    expect((await materials.list())[0]?.attachedTo).toEqual([{ packId: 'cn.real', lessonId: 'l1' }]);
    expect((await materials.detach(m.id, 'cn.real', 'l1')).attachedTo).toEqual([]);
    const removed = await materials.remove(m.id);
    expect(removed).toEqual({ id: m.id, bytesFreed: m.blob.size });
    expect(fs.existsSync(blobFile(dataDir, m.blob.sha256))).toBe(false);
    expect(await materials.list()).toEqual([]);
    await expect(materials.remove(m.id)).rejects.toMatchObject({ code: 'materials.unknown' });
  });

  it('a full gc and a pack removal never delete a blob a material uses', async () => {
    const { dataDir, packs, materials } = freshLibrary();
    const m = await materials.add(fixtures.png);
    // An orphan blob (no pack, no material) next to it.
    const orphan = join(root, 'orphan.bin');
    fs.writeFileSync(orphan, 'orphan bytes');
    const orphanSha = sha(orphan);
    const fd = fs.openSync(orphan, 'r');
    await packs.store.putBlobFromFileRange(fd, 0, fs.statSync(orphan).size, orphanSha);
    fs.closeSync(fd);

    const referenced = await packs.index.referencedBlobs();
    expect(referenced.has(m.blob.sha256)).toBe(true);
    await packs.exclusive(() => packs.store.gc(referenced));
    expect(fs.existsSync(blobFile(dataDir, orphanSha))).toBe(false);
    expect(fs.existsSync(blobFile(dataDir, m.blob.sha256))).toBe(true);

    // A pack that shares the material's bytes is removed: the shared blob stays.
    await installFakePack(dataDir, packs, [m.blob]);
    const r = await packs.remove('cn.fake');
    expect(r.bytesFreed).toBe(0);
    expect(sha(blobFile(dataDir, m.blob.sha256))).toBe(m.blob.sha256);
    // Once the material is gone too, the bytes go.
    expect((await materials.remove(m.id)).bytesFreed).toBe(m.blob.size);
  });

  it('two materials with the same bytes share one blob; removing one keeps it', async () => {
    const { dataDir, materials } = freshLibrary();
    const a = await materials.add(fixtures.pdf);
    const b = await materials.add(fixtures.pdf, { title: '副本' });
    expect(b.blob.sha256).toBe(a.blob.sha256);
    expect((await materials.remove(a.id)).bytesFreed).toBe(0);
    expect(fs.existsSync(blobFile(dataDir, b.blob.sha256))).toBe(true);
  });
});

describe('materials.json atomicity', () => {
  it('a failed index write (rename fails) leaves the previous list intact and no temp file', async () => {
    let failRename = false;
    const faulty: StoreFs = {
      ...nodeStoreFs,
      rename: async (from, to) => {
        if (failRename && to.endsWith('materials.json')) throw Object.assign(new Error('EIO: injected'), { code: 'EIO' });
        return nodeStoreFs.rename(from, to);
      },
    };
    const { dataDir, materials } = freshLibrary({ fs: faulty });
    const first = await materials.add(fixtures.pdf);
    const before = fs.readFileSync(join(dataDir, 'materials.json'), 'utf8');
    failRename = true;
    await expect(materials.add(fixtures.png)).rejects.toThrow(/EIO/);
    expect(fs.readFileSync(join(dataDir, 'materials.json'), 'utf8')).toBe(before);
    expect(fs.readdirSync(dataDir).filter((f) => f.includes('.tmp'))).toEqual([]);
    expect((await new MaterialsIndex(dataDir).read()).materials.map((m) => m.id)).toEqual([first.id]);
  });

  it('a crash between storing the blob and writing the index leaves the material invisible (and collectable)', async () => {
    const { dataDir, packs, materials } = freshLibrary({
      beforeIndexWrite: () => {
        throw new Error('power cut');
      },
    });
    await expect(materials.add(fixtures.png)).rejects.toThrow('power cut');
    expect(await materials.list()).toEqual([]);
    expect(await materials.media.resolve(sha(fixtures.png))).toBeNull();
    // The unreferenced blob is what a full gc removes.
    expect((await packs.exclusive(async () => packs.store.gc(await packs.index.referencedBlobs()))).removed).toBe(1);
    expect(fs.existsSync(blobFile(dataDir, sha(fixtures.png)))).toBe(false);
  });
});

/** An installed-pack record written straight into packs.json (no signing needed for these tests). */
async function installFakePack(dataDir: string, packs: PackLibrary, blobs: Array<{ sha256: string; size: number; mime: string }>) {
  const metaDir = join('packs', 'cn.fake', '1');
  fs.mkdirSync(join(dataDir, metaDir), { recursive: true });
  fs.writeFileSync(join(dataDir, metaDir, 'manifest.json'), '{}');
  await packs.index.write([
    { id: 'cn.fake', version: 1, title: { 'zh-CN': '假资源包' }, publisher: 'k', installedAt: new Date().toISOString(), metaDir, bytes: 0, resourceCount: 1, blobs },
  ]);
}
