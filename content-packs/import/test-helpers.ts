/**
 * Test helpers: small synthetic signed packs written with the format library's writer, a
 * throwaway trust chain, and data-dir snapshots for "library unchanged" assertions.
 * (Not the ffmpeg-built samples: these are fast and deterministic.)
 */
import { createCipheriv, createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { canonicalBytes } from '../format/canonical';
import type { PackManifestInput } from '../format/manifest';
import { signatureFileBytes, signManifest } from '../format/signature';
import { formatTrustFile } from '../format/trust';
import { makeTestTrust, type TestTrust } from '../format/testing';
import { nodeEd25519 } from '../node/ed25519-node';
import { writePack } from '../node/pack-writer';
import { nodeStoreFs, type StoreFs } from '../store/fs-seam';

export type { TestTrust };

let cachedTrust: Promise<TestTrust> | null = null;
/** One trust chain per test process (key generation is cheap, but packs must share a root). */
export function testTrust(): Promise<TestTrust> {
  cachedTrust ??= makeTestTrust({ ed25519: nodeEd25519 });
  return cachedTrust;
}

/** Deterministic pseudo-random bytes (AES-128-CTR keystream of `seed`): same seed, same blob, so versions can share blobs. */
export function seededBytes(seed: string, size: number): Buffer {
  const key = createHash('sha256').update(seed).digest();
  const c = createCipheriv('aes-128-ctr', key.subarray(0, 16), key.subarray(16, 32));
  return Buffer.concat([c.update(Buffer.alloc(size)), c.final()]);
}

export interface TestBlobSpec {
  /** Same seed + size ⇒ same bytes ⇒ same sha256 (shared between packs/versions). */
  seed: string;
  size: number;
  /** default video/mp4 (STORE); text/vtt is DEFLATEd by the writer. */
  mime?: string;
  title?: string;
}

export interface TestPack {
  path: string;
  id: string;
  version: number;
  blobs: Array<{ sha256: string; size: number; mime: string; bytes: Buffer }>;
  manifest: PackManifestInput;
}

const KIND_BY_MIME: Array<[string, 'video' | 'audio' | 'pdf' | 'image' | 'html5']> = [
  ['video/', 'video'],
  ['audio/', 'audio'],
  ['application/pdf', 'pdf'],
  ['image/', 'image'],
];

/**
 * Write a signed pack with one lesson per blob (stage → lesson tree). Text blobs (text/vtt) are
 * attached as subtitles of the first video so every blob is referenced by a valid manifest.
 */
export async function writeTestPack(
  dir: string,
  spec: { id?: string; version?: number; blobs: TestBlobSpec[]; fileName?: string; trust?: TestTrust },
): Promise<TestPack> {
  const trust = spec.trust ?? (await testTrust());
  const id = spec.id ?? 'cn.test.pack';
  const version = spec.version ?? 1;
  const blobs = spec.blobs.map((b) => {
    const bytes = seededBytes(b.seed, b.size);
    return { sha256: createHash('sha256').update(bytes).digest('hex'), size: b.size, mime: b.mime ?? 'video/mp4', bytes, title: b.title };
  });
  const media = blobs.filter((b) => !b.mime.startsWith('text/'));
  const texts = blobs.filter((b) => b.mime.startsWith('text/'));
  if (media.length === 0) throw new Error('writeTestPack needs at least one media blob');
  const resources = media.map((b, i) => {
    const kind = KIND_BY_MIME.find(([p]) => b.mime.startsWith(p))?.[1] ?? 'video';
    const r: Record<string, unknown> = { id: `r${i + 1}`, kind, title: { 'zh-CN': b.title ?? `资源${i + 1}` }, blob: { sha256: b.sha256, size: b.size, mime: b.mime } };
    if (i === 0 && kind === 'video' && texts.length > 0) {
      r['subtitles'] = texts.map((t, k) => ({ lang: k === 0 ? 'zh-CN' : `en-X${k}`.slice(0, 5), blob: { sha256: t.sha256, size: t.size, mime: 'text/vtt' } }));
    }
    return r;
  });
  const manifest = {
    format: 'teachpoint-pack/1',
    id,
    version,
    title: { 'zh-CN': `测试资源包 ${id}` },
    publisher: { keyId: trust.cert.subject.keyId, name: trust.cert.subject.name, certificate: trust.cert },
    createdAt: '2025-09-01T08:00:00Z',
    tree: [
      {
        id: 'stage',
        level: 'stage',
        title: { 'zh-CN': '小学' },
        children: media.map((b, i) => ({ id: `l${i + 1}`, level: 'lesson', title: { 'zh-CN': b.title ?? `第${i + 1}课` }, resources: [`r${i + 1}`] })),
      },
    ],
    resources,
    exercises: [],
  } as unknown as PackManifestInput;
  const manifestBytes = canonicalBytes(manifest);
  const sig = await signManifest(manifestBytes, trust.county.privateKeyFile, nodeEd25519);
  fs.mkdirSync(dir, { recursive: true });
  const path = join(dir, spec.fileName ?? `${id}-v${version}.tpk`);
  await writePack({
    out: path,
    manifestBytes,
    signatureBytes: signatureFileBytes(sig),
    blobs: blobs.map((b) => ({ sha256: b.sha256, size: b.size, source: b.bytes, compress: b.mime.startsWith('text/') })),
    modifiedAt: new Date('2025-09-01T08:00:00Z'),
  });
  return { path, id, version, blobs: blobs.map(({ title: _t, ...b }) => b), manifest };
}

/** Enrol the test root in `<data>/trust/` the way a technician would. */
export async function enrolTestRoot(dataDir: string, trust?: TestTrust): Promise<string> {
  const t = trust ?? (await testTrust());
  const dir = join(dataDir, 'trust');
  fs.mkdirSync(dir, { recursive: true });
  const p = join(dir, 'province-root.pub');
  fs.writeFileSync(p, formatTrustFile(t.root.publicKeyFile));
  return p;
}

/** Every file under `dir` → sha256 of its content (lock files in locks/ excluded: they only exist while a writer runs). */
export function snapshotDir(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!(d === dir && e.name === 'locks')) walk(p);
      } else out[relative(dir, p).split('\\').join('/')] = createHash('sha256').update(fs.readFileSync(p)).digest('hex');
    }
  };
  walk(dir);
  return out;
}

/**
 * Hostile manifests for the memory tests and the manifest-rss bench (issue 10 item 1), written as
 * canonical text directly: 255k objects through the canonical writer take half a minute, and the
 * canonical writer itself recurses (a 20,000-level tree overflows it).
 */
export function inflatedManifestBytes(base: TestPack, extraResources: number): Uint8Array {
  const m = base.manifest as unknown as { resources: Array<Record<string, unknown>> };
  const text = new TextDecoder().decode(canonicalBytes(m));
  const one = new TextDecoder().decode(canonicalBytes({ ...m.resources[0]!, id: '@ID@', title: { 'zh-CN': '@TITLE@' } }));
  const parts: string[] = [];
  for (let i = 0; i < extraResources; i++) parts.push(one.replace('@ID@', `x${i}`).replace('@TITLE@', `附加资源 ${i} ${'填充'.repeat(12)}`));
  const at = text.indexOf('"resources":[') + '"resources":['.length;
  const end = text.indexOf(']', at); // writeTestPack's media resources hold no arrays
  return new TextEncoder().encode(text.slice(0, end) + ',' + parts.join(',') + text.slice(end));
}

/** `base`'s manifest with a lesson tree `levels` deep, as canonical bytes. */
export function deepManifestBytes(base: TestPack, levels: number): Uint8Array {
  const open: string[] = [];
  const close: string[] = [];
  for (let i = 0; i < levels; i++) {
    open.push('{"children":[');
    close.push(`],"id":"n${i}","level":"unit","title":{"zh-CN":"层"}}`);
  }
  const leaf = '{"id":"leaf","level":"lesson","resources":["r1"],"title":{"zh-CN":"叶"}}';
  const placeholder = new TextDecoder().decode(canonicalBytes({ ...(base.manifest as unknown as Record<string, unknown>), tree: ['@TREE@'] }));
  return new TextEncoder().encode(placeholder.replace('"@TREE@"', open.join('') + leaf + close.reverse().join('')));
}

/** `base`'s blobs under other manifest bytes, signed over them ('fresh') or carrying base's old signature. */
export async function repackWithManifest(base: TestPack, out: string, manifestBytes: Uint8Array, sign: 'fresh' | 'original'): Promise<string> {
  const trust = await testTrust();
  const sig = await signManifest(sign === 'fresh' ? manifestBytes : canonicalBytes(base.manifest), trust.county.privateKeyFile, nodeEd25519);
  fs.mkdirSync(dirname(out), { recursive: true });
  await writePack({ out, manifestBytes, signatureBytes: signatureFileBytes(sig), blobs: base.blobs.map((b) => ({ sha256: b.sha256, size: b.size, source: b.bytes, compress: false })), modifiedAt: new Date('2025-09-01T08:00:00Z') });
  return out;
}

/**
 * A completely full disk at the store's fs seam: no free block, so every byte written fails with
 * ENOSPC until files are deleted, and a deletion makes exactly its size available again (empty
 * files and renames still work, as on ext4/NTFS).
 */
export function fullDiskFs(): StoreFs {
  let credit = 0;
  const take = (n: number, op: string) => {
    if (n > credit) throw Object.assign(new Error(`ENOSPC: no space left on device, ${op}`), { code: 'ENOSPC' });
    credit -= n;
  };
  return {
    ...nodeStoreFs,
    write: async (fd, buf, off, len, pos) => {
      take(len, 'write');
      return nodeStoreFs.write(fd, buf, off, len, pos);
    },
    writeFile: async (path, data) => {
      take(typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength, 'write');
      return nodeStoreFs.writeFile(path, data);
    },
    unlink: async (path) => {
      const st = await fs.promises.stat(path).catch(() => null);
      await nodeStoreFs.unlink(path);
      if (st?.isFile()) credit += st.size;
    },
  };
}
