import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalBytes } from '../format/canonical';
import { type BlobRef, type PackManifestInput } from '../format/manifest';
import { openPack, verifyPackContents, type HashEntry } from '../format/pack-reader';
import { signManifest, signatureFileBytes } from '../format/signature';
import { createKeyFiles, issueRevocationList } from '../format/trust';
import { makeTestTrust, sampleManifest, type TestTrust } from '../format/testing';
import { bytesSource, inspectZip, type ZipEntry } from '../format/zip-reader';
import { nodeEd25519 } from './ed25519-node';
import { type PackBlobInput, writePack } from './pack-writer';
import { nodeInflateRaw, openPackFile, verifyPackFile } from './verify';
import { readEntryStream } from './entry-stream';
import * as zlib from 'node:zlib';

// Tests poke invalid values into the manifest on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
const now = new Date('2025-09-01T00:00:00Z');
const hasUnzip = existsSync('/usr/bin/unzip');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let dir: string;
let trust: TestTrust;

interface Fixture {
  path: string;
  bytes: Uint8Array;
  manifestBytes: Uint8Array;
  blobs: (PackBlobInput & { bytes: Uint8Array; mime: string })[];
  manifest: PackManifestInput;
}

async function buildFixture(name: string, t: TestTrust = trust, mutate?: (m: Loose) => void, blobFilter?: (b: PackBlobInput) => boolean, extraBlobs: PackBlobInput[] = []): Promise<Fixture> {
  const files = {
    video: { bytes: new Uint8Array(randomBytes(300_000)), mime: 'video/mp4', compress: false },
    thumb: { bytes: new Uint8Array(randomBytes(2_000)), mime: 'image/jpeg', compress: false },
    vtt: { bytes: new TextEncoder().encode('WEBVTT\n\n00:00.000 --> 00:02.000\n一、二、三、四、五\n'.repeat(20)), mime: 'text/vtt', compress: true },
    audio: { bytes: new Uint8Array(randomBytes(5_000)), mime: 'audio/mpeg', compress: false },
  };
  const refs: Record<string, BlobRef> = {};
  const blobs: Fixture['blobs'] = [];
  for (const [k, f] of Object.entries(files)) {
    const p = join(dir, `${name}-${k}.bin`);
    writeFileSync(p, f.bytes);
    refs[k] = { sha256: sha(f.bytes), size: f.bytes.length, mime: f.mime };
    blobs.push({ sha256: sha(f.bytes), size: f.bytes.length, source: k === 'audio' ? f.bytes : p, compress: f.compress, bytes: f.bytes, mime: f.mime });
  }
  const manifest = sampleManifest(t.cert, refs as Record<'video' | 'thumb' | 'vtt' | 'audio', BlobRef>);
  mutate?.(manifest);
  const manifestBytes = canonicalBytes(manifest);
  const sig = await signManifest(manifestBytes, t.county.privateKeyFile, nodeEd25519);
  const out = join(dir, `${name}.tpk`);
  await writePack({ out, manifestBytes, signatureBytes: signatureFileBytes(sig), blobs: [...blobs.filter(blobFilter ?? (() => true)), ...extraBlobs] });
  return { path: out, bytes: new Uint8Array(readFileSync(out)), manifestBytes, blobs, manifest };
}

const memHash =
  (bytes: Uint8Array): HashEntry =>
  async (e: ZipEntry) => {
    const raw = bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    const data = e.method === 0 ? raw : zlib.inflateRawSync(raw);
    return { sha256: sha(data), size: data.length };
  };

async function verifyBytes(bytes: Uint8Array, roots = [trust.root.publicKeyFile], revocations: unknown[] = []) {
  const pack = await openPack(bytesSource(bytes), { inflateRaw: nodeInflateRaw });
  return verifyPackContents(pack, { trustedRoots: roots, now, revocations, ed25519: nodeEd25519, hashEntry: memHash(bytes) });
}

const codes = (r: { problems: { code: string }[] }) => [...new Set(r.problems.map((p) => p.code))].sort();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tpk-node-'));
  trust = await makeTestTrust({ ed25519: nodeEd25519 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('writePack → verifyPackFile round trip', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await buildFixture('ok');
  });

  it('verifies, names the signer, and leaves no partial file', async () => {
    const r = await verifyPackFile(fx.path, { trustedRoots: [trust.root.publicKeyFile], now });
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.signer?.keyId).toBe(trust.county.publicKeyFile.keyId);
    expect(r.manifest?.resources.length).toBe(2);
    expect(readdirSync(dir).filter((f) => f.endsWith('.partial'))).toEqual([]);
  });

  it('lays out manifest.json and manifest.sig STORED first, media STORED, text DEFLATEd', async () => {
    const pack = await openPackFile(fx.path);
    try {
      expect(pack.entries.slice(0, 2).map((e) => [e.name, e.method])).toEqual([
        ['manifest.json', 0],
        ['manifest.sig', 0],
      ]);
      expect(Buffer.from(pack.manifestBytes!).equals(Buffer.from(fx.manifestBytes))).toBe(true);
      const vtt = fx.blobs.find((b) => b.compress)!;
      expect(pack.blobEntry(vtt.sha256)!.method).toBe(8);
      expect(pack.blobEntry(vtt.sha256)!.compressedSize).toBeLessThan(vtt.size);
      expect(pack.blobEntry(fx.blobs[0]!.sha256)!.method).toBe(0);
      // readEntryStream gives back the exact bytes for both methods
      for (const b of fx.blobs) {
        const chunks: Buffer[] = [];
        for await (const c of readEntryStream(fx.path, pack.blobEntry(b.sha256)!, { verifyCrc: true })) chunks.push(c as Buffer);
        expect(sha(Buffer.concat(chunks))).toBe(b.sha256);
      }
    } finally {
      await pack.close();
    }
  });

  it.runIf(hasUnzip)('is readable by Info-ZIP unzip -l / -t', () => {
    const list = execFileSync('unzip', ['-l', fx.path]).toString();
    expect(list).toContain('manifest.json');
    expect(list).toContain(`blobs/${fx.blobs[0]!.sha256}`);
    const test = spawnSync('unzip', ['-t', fx.path]);
    expect(test.stdout.toString()).toContain('No errors detected');
    expect(test.status).toBe(0);
  });

  it("lazy open + full verification locates every blob; a bad local header is a problem; 'presence-and-size' reads no blob", async () => {
    const lazyVerify = async (bytes: Uint8Array, blobs?: 'presence-and-size') => {
      const pack = await openPack(bytesSource(bytes), { inflateRaw: nodeInflateRaw, localHeaders: 'lazy' });
      let hashed = 0;
      const hashEntry: HashEntry = (e) => (hashed++, memHash(bytes)(e));
      const r = await verifyPackContents(pack, { trustedRoots: [trust.root.publicKeyFile], now, ed25519: nodeEd25519, hashEntry, ...(blobs ? { blobs } : {}) });
      return { r, hashed, pack };
    };
    const ok = await lazyVerify(fx.bytes);
    expect(ok.r.problems).toEqual([]);
    expect(ok.hashed).toBe(fx.blobs.length);
    const bad = fx.bytes.slice();
    const e = ok.pack.blobEntry(fx.blobs[0]!.sha256)!;
    bad[e.localHeaderOffset + 8] = 8; // method DEFLATE in the local header, STORE in the central directory
    const refused = await lazyVerify(bad);
    expect(refused.r.ok).toBe(false);
    expect(codes(refused.r)).toEqual(['pack.zip-corrupt']);
    const presence = await lazyVerify(bad, 'presence-and-size');
    expect(presence.r.ok).toBe(true); // the caller must locate and hash each blob itself
    expect(presence.hashed).toBe(0);
    await expect(presence.pack.locate(presence.pack.blobEntry(fx.blobs[0]!.sha256)!)).rejects.toMatchObject({ code: 'pack.zip-corrupt' });
  });

  it('fails naming the problem when any single byte of any blob is flipped', async () => {
    const pack = await openPack(bytesSource(fx.bytes));
    for (const b of fx.blobs) {
      const e = pack.blobEntry(b.sha256)!;
      for (const k of [0, Math.floor(e.compressedSize / 2), e.compressedSize - 1]) {
        const bad = fx.bytes.slice();
        bad[e.dataOffset + k] = bad[e.dataOffset + k]! ^ 0x01;
        const r = await verifyBytes(bad);
        expect(r.ok, `${b.mime} byte ${k}`).toBe(false);
        const p = r.problems.find((x) => x.details?.['sha256'] === b.sha256 || x.details?.['expected'] === b.sha256);
        expect(p, `${b.mime} byte ${k}: ${JSON.stringify(r.problems)}`).toBeDefined();
        expect(['pack.blob-hash-mismatch', 'pack.blob-unreadable', 'pack.blob-size-mismatch']).toContain(p!.code);
        expect(p!.path).toMatch(/^resources\[0\]|^exercises\[0\]/);
      }
    }
  });

  it('fails with pack.bad-signature when any byte of manifest.json is flipped', async () => {
    const pack = await openPack(bytesSource(fx.bytes));
    const e = pack.entry('manifest.json')!;
    const step = Math.max(1, Math.floor(e.compressedSize / 40));
    for (let k = 0; k < e.compressedSize; k += step) {
      const bad = fx.bytes.slice();
      bad[e.dataOffset + k] = bad[e.dataOffset + k]! ^ 0x01;
      const r = await verifyBytes(bad);
      expect(r.ok).toBe(false);
      // a flip that breaks the JSON or the embedded certificate is named as such; otherwise as a bad signature
      expect(codes(r).some((c) => ['pack.bad-signature', 'pack.manifest-not-json', 'pack.cert-malformed', 'pack.schema-error'].includes(c)), `byte ${k}: ${codes(r)}`).toBe(true);
      expect(codes(r)).toContain('pack.zip-corrupt'); // CRC of manifest.json
    }
    // a flip inside a title string keeps the JSON valid: exactly a signature failure (+ CRC)
    const text = new TextDecoder().decode(fx.manifestBytes);
    const at = text.indexOf('认识数字');
    const bad = fx.bytes.slice();
    bad[e.dataOffset + Buffer.byteLength(text.slice(0, at)) + 2] = bad[e.dataOffset + Buffer.byteLength(text.slice(0, at)) + 2]! ^ 0x01;
    const r = await verifyBytes(bad);
    expect(codes(r)).toEqual(['pack.bad-signature', 'pack.zip-corrupt']);
    expect(r.problems.find((p) => p.code === 'pack.bad-signature')!.message.zh).toContain('签名无效');
  });

  it('fails when any byte of manifest.sig is flipped', async () => {
    const pack = await openPack(bytesSource(fx.bytes));
    const e = pack.entry('manifest.sig')!;
    for (let k = 0; k < e.compressedSize; k++) {
      const bad = fx.bytes.slice();
      bad[e.dataOffset + k] = bad[e.dataOffset + k]! ^ 0x01;
      const r = await verifyBytes(bad);
      expect(r.ok).toBe(false);
      expect(codes(r).some((c) => ['pack.bad-signature', 'pack.signature-malformed', 'pack.key-mismatch'].includes(c)), `byte ${k}: ${codes(r)}`).toBe(true);
    }
  });

  it('rejects an unknown signer root', async () => {
    const other = await createKeyFiles('另一个省');
    const r = await verifyPackFile(fx.path, { trustedRoots: [other.publicKeyFile], now });
    expect(r.ok).toBe(false);
    expect(codes(r)).toEqual(['pack.unknown-key']);
  });

  it('rejects a revoked publisher key', async () => {
    const list = await issueRevocationList({ issuer: trust.root.privateKeyFile, revokedKeyIds: [trust.county.publicKeyFile.keyId] });
    const r = await verifyPackFile(fx.path, { trustedRoots: [trust.root.publicKeyFile], revocations: [list], now });
    expect(codes(r)).toEqual(['pack.key-revoked']);
  });

  it('reports a truncated file', async () => {
    const cut = join(dir, 'cut.tpk');
    writeFileSync(cut, fx.bytes.subarray(0, Math.floor(fx.bytes.length / 2)));
    const r = await verifyPackFile(cut, { trustedRoots: [trust.root.publicKeyFile], now });
    expect(codes(r)).toEqual(['pack.truncated']);
    expect(r.problems[0]!.message.zh).toContain('不完整');
  });
});

describe('verification problems found together', () => {
  it('rejects an expired certificate', async () => {
    const old = await makeTestTrust({ notBefore: '2020-01-01T00:00:00Z', notAfter: '2021-01-01T00:00:00Z', ed25519: nodeEd25519 });
    const fx = await buildFixture('expired', old);
    const r = await verifyPackFile(fx.path, { trustedRoots: [old.root.publicKeyFile], now });
    expect(codes(r)).toEqual(['pack.cert-expired']);
  });

  it('lists a missing blob and an unexpected entry together', async () => {
    const extra = new TextEncoder().encode('not listed');
    const fx = await buildFixture('missing', trust, undefined, (b) => b.compress !== true, [{ sha256: sha(extra), size: extra.length, source: extra, compress: false }]);
    const r = await verifyPackFile(fx.path, { trustedRoots: [trust.root.publicKeyFile], now });
    expect(codes(r)).toEqual(['pack.missing-blob', 'pack.unexpected-entry']);
    expect(r.problems.find((p) => p.code === 'pack.missing-blob')!.path).toBe('resources[0].subtitles[0].blob');
  });

  it('reports schema errors with paths alongside a valid signature', async () => {
    const fx = await buildFixture('schema', trust, (m) => {
      m.resources[0].blob.mime = 'application/pdf';
    });
    const r = await verifyPackFile(fx.path, { trustedRoots: [trust.root.publicKeyFile], now });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => [p.code, p.path])).toContainEqual(['pack.schema-error', 'resources[0].blob.mime']);
    expect(codes(r)).not.toContain('pack.bad-signature');
  });

  it('the default (browser) hashing path agrees with node hashing', async () => {
    const fx = await buildFixture('noble');
    const pack = await openPack(bytesSource(fx.bytes));
    const r = await verifyPackContents(pack, { trustedRoots: [trust.root.publicKeyFile], now }); // noble Ed25519 + noble sha256 + DecompressionStream
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    const bad = fx.bytes.slice();
    const e = pack.blobEntry(fx.blobs[0]!.sha256)!;
    bad[e.dataOffset + 7] = bad[e.dataOffset + 7]! ^ 0x80;
    const r2 = await verifyPackContents(await openPack(bytesSource(bad)), { trustedRoots: [trust.root.publicKeyFile], now });
    expect(codes(r2)).toEqual(['pack.blob-hash-mismatch']);
  });
});

describe('writePack failures leave nothing behind', () => {
  const base = async () => {
    const m = canonicalBytes({ x: 1 });
    return { manifestBytes: m, signatureBytes: canonicalBytes({ s: 1 }) };
  };
  const expectClean = (out: string) => {
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
  };

  it('missing source file', async () => {
    const out = join(dir, 'fail1.tpk');
    await expect(writePack({ ...(await base()), out, blobs: [{ sha256: 'a'.repeat(64), size: 3, source: join(dir, 'nope.bin'), compress: false }] })).rejects.toThrow(/ENOENT/);
    expectClean(out);
  });

  it('file shorter or longer than declared', async () => {
    const p = join(dir, 'sized.bin');
    const data = new Uint8Array(randomBytes(10_000));
    writeFileSync(p, data);
    for (const size of [9_999, 10_001]) {
      const out = join(dir, `fail-size-${size}.tpk`);
      await expect(writePack({ ...(await base()), out, blobs: [{ sha256: sha(data), size, source: p, compress: false }], bufferSize: 4096 })).rejects.toMatchObject({ code: 'pack.write-size-mismatch' });
      expectClean(out);
    }
  });

  it('content that does not match its sha256 (stored and deflated)', async () => {
    const p = join(dir, 'h.bin');
    writeFileSync(p, 'hello');
    for (const compress of [false, true]) {
      const out = join(dir, `fail-hash-${compress}.tpk`);
      await expect(writePack({ ...(await base()), out, blobs: [{ sha256: 'b'.repeat(64), size: 5, source: p, compress }] })).rejects.toMatchObject({ code: 'pack.write-hash-mismatch' });
      expectClean(out);
    }
  });

  it('abort part-way', async () => {
    const out = join(dir, 'fail-abort.tpk');
    const ac = new AbortController();
    const blobs = Array.from({ length: 5 }, (_, i) => {
      const d = new Uint8Array(randomBytes(1000 + i));
      return { sha256: sha(d), size: d.length, source: d, compress: false };
    });
    await expect(writePack({ ...(await base()), out, blobs, beforeBlob: (i) => (i === 3 ? ac.abort() : undefined), signal: ac.signal })).rejects.toMatchObject({ code: 'pack.write-aborted' });
    expectClean(out);
  });

  it('does not replace an existing pack on failure', async () => {
    const out = join(dir, 'keep.tpk');
    writeFileSync(out, 'previous pack');
    await expect(writePack({ ...(await base()), out, blobs: [{ sha256: 'c'.repeat(64), size: 1, source: new Uint8Array(2), compress: false }] })).rejects.toMatchObject({ code: 'pack.write-size-mismatch' });
    expect(readFileSync(out, 'utf8')).toBe('previous pack');
    expect(existsSync(`${out}.partial`)).toBe(false);
  });
});

describe('ZIP64', () => {
  it('forced ZIP64 records are readable by us and by unzip', async () => {
    const d1 = new Uint8Array(randomBytes(100_000));
    const d2 = new TextEncoder().encode('文本'.repeat(5000));
    const p1 = join(dir, 'z64-1.bin');
    writeFileSync(p1, d1);
    const out = join(dir, 'z64.tpk');
    const res = await writePack({
      manifestBytes: canonicalBytes({ m: 1 }),
      signatureBytes: canonicalBytes({ s: 1 }),
      blobs: [
        { sha256: sha(d1), size: d1.length, source: p1, compress: false },
        { sha256: sha(d2), size: d2.length, source: d2, compress: true },
      ],
      out,
      forceZip64: true,
    });
    expect(res.zip64).toBe(true);
    const z = await inspectZip(bytesSource(new Uint8Array(readFileSync(out))));
    expect(z.problems).toEqual([]);
    expect(z.zip64).toBe(true);
    expect(z.entries.map((e) => e.name)).toEqual(['manifest.json', 'manifest.sig', `blobs/${sha(d1)}`, `blobs/${sha(d2)}`]);
    if (hasUnzip) {
      const t = spawnSync('unzip', ['-t', out]);
      expect(t.stdout.toString()).toContain('No errors detected');
      expect(t.status).toBe(0);
    }
  });

  it('more than 65,535 entries', async () => {
    const n = 66_000;
    const blobs: PackBlobInput[] = [];
    for (let i = 0; i < n; i++) {
      const d = Buffer.alloc(4);
      d.writeUInt32LE(i);
      blobs.push({ sha256: sha(d), size: 4, source: d, compress: false });
    }
    const out = join(dir, 'many.tpk');
    const res = await writePack({ manifestBytes: canonicalBytes({ m: 1 }), signatureBytes: canonicalBytes({ s: 1 }), blobs, out, verifyHashes: false });
    expect(res.entryCount).toBe(n + 2);
    expect(res.zip64).toBe(true);
    const pack = await openPackFile(out);
    try {
      expect(pack.entries.length).toBe(n + 2);
      expect(pack.problems.filter((p) => !['pack.manifest-not-json', 'pack.schema-error', 'pack.signature-malformed'].includes(p.code))).toEqual([]);
      const last = pack.blobEntry(blobs[n - 1]!.sha256)!;
      expect(Buffer.from(await pack.source.read(last.dataOffset, 4)).readUInt32LE()).toBe(n - 1);
    } finally {
      await pack.close();
    }
    if (hasUnzip) {
      const t = spawnSync('unzip', ['-tq', out], { maxBuffer: 64 * 1024 * 1024 });
      expect(t.stdout.toString()).toMatch(/No errors detected/);
      expect(t.status).toBe(0);
    }
  });
});
