// Runs in real Chromium: proves the format library needs nothing from Node
// (noble Ed25519 + sha256, DecompressionStream('deflate-raw'), File/Blob sources).
import { describe, expect, it } from 'vitest';
import { sha256 } from '@noble/hashes/sha256';
import { canonicalBytes } from './canonical';
import { toHex } from './encoding';
import type { BlobRef } from './manifest';
import { openPack, verifyPackContents } from './pack-reader';
import { signManifest, signatureFileBytes } from './signature';
import { makeTestTrust, sampleManifest } from './testing';
import { craftZip } from './testing-zip';
import { blobSource } from './zip-reader';

async function deflateRaw(data: Uint8Array): Promise<Uint8Array> {
  const cs = new CompressionStream('deflate-raw');
  const out = new Response(new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(cs)).arrayBuffer();
  return new Uint8Array(await out);
}

describe('format library in the browser', () => {
  it('builds, opens and verifies a pack from a File, and catches a flipped byte', async () => {
    const trust = await makeTestTrust();
    const files = {
      video: crypto.getRandomValues(new Uint8Array(50_000)),
      thumb: crypto.getRandomValues(new Uint8Array(1_000)),
      vtt: new TextEncoder().encode('WEBVTT\n\n00:00.000 --> 00:01.000\n你好\n'.repeat(30)),
      audio: crypto.getRandomValues(new Uint8Array(3_000)),
    };
    const mimes = { video: 'video/mp4', thumb: 'image/png', vtt: 'text/vtt', audio: 'audio/mpeg' } as const;
    const refs = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, { sha256: toHex(sha256(v)), size: v.length, mime: mimes[k as keyof typeof mimes] }])) as Record<keyof typeof files, BlobRef>;
    const manifestBytes = canonicalBytes(sampleManifest(trust.cert, refs));
    const sig = signatureFileBytes(await signManifest(manifestBytes, trust.county.privateKeyFile));
    const entries = [
      { name: 'manifest.json', data: manifestBytes },
      { name: 'manifest.sig', data: sig },
      ...(await Promise.all(
        Object.entries(files).map(async ([k, v]) =>
          k === 'vtt' ? { name: `blobs/${refs[k].sha256}`, method: 8 as const, data: v, deflated: await deflateRaw(v) } : { name: `blobs/${refs[k as keyof typeof files].sha256}`, data: v },
        ),
      )),
    ];
    const zip = craftZip(entries);
    const file = new File([zip.bytes! as Uint8Array<ArrayBuffer>], 'pack.tpk');
    const now = new Date('2025-09-01T00:00:00Z');

    const pack = await openPack(blobSource(file));
    const ok = await verifyPackContents(pack, { trustedRoots: [trust.root.publicKeyFile], now });
    expect(ok.problems).toEqual([]);
    expect(ok.ok).toBe(true);

    const vttEntry = pack.blobEntry(refs.vtt.sha256)!;
    expect(vttEntry.method).toBe(8);
    const bad = zip.bytes!.slice();
    const videoEntry = pack.blobEntry(refs.video.sha256)!;
    bad[videoEntry.dataOffset + 100] = bad[videoEntry.dataOffset + 100]! ^ 4;
    const r = await verifyPackContents(await openPack(blobSource(new File([bad], 'bad.tpk'))), { trustedRoots: [trust.root.publicKeyFile], now });
    expect(r.ok).toBe(false);
    expect(r.problems.map((p) => p.code)).toEqual(['pack.blob-hash-mismatch']);
  });
});
