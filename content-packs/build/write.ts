/**
 * The last step of `tpk build`: canonical manifest bytes, Ed25519 signature (node:crypto), then the
 * format library's streaming ZIP64 writer (`<out>.partial` → fsync → rename; nothing left behind
 * on failure). Node 16 APIs only.
 */
import { canonicalBytes } from '../format/canonical';
import type { PackManifest } from '../format/manifest';
import { signManifest, signatureFileBytes } from '../format/signature';
import type { PrivateKeyFile } from '../format/trust';
import { nodeEd25519 } from '../node/ed25519-node';
import { writePack } from '../node/pack-writer';

export interface PackBlobSource {
  sha256: string;
  size: number;
  mime: string;
  /** DEFLATE (text) or STORE (media). */
  compress: boolean;
  path?: string;
  bytes?: Uint8Array;
}

export async function writePackFile(options: {
  out: string;
  manifest: PackManifest;
  key: PrivateKeyFile;
  blobs: readonly PackBlobSource[];
  onProgress?: (blobBytesDone: number) => void;
  signal?: AbortSignal;
  modifiedAt?: Date;
}): Promise<{ size: number; entryCount: number; zip64: boolean }> {
  const manifestBytes = canonicalBytes(options.manifest);
  const signatureBytes = signatureFileBytes(await signManifest(manifestBytes, options.key, nodeEd25519));
  const head = manifestBytes.length + signatureBytes.length;
  // big media first, then small files: progress moves smoothly and readers find text at the end
  const blobs = [...options.blobs].sort((a, b) => Number(a.compress) - Number(b.compress) || b.size - a.size || (a.sha256 < b.sha256 ? -1 : 1));
  const r = await writePack({
    out: options.out,
    manifestBytes,
    signatureBytes,
    blobs: blobs.map((b) => ({ sha256: b.sha256, size: b.size, compress: b.compress, source: b.path ?? b.bytes! })),
    ...(options.modifiedAt ? { modifiedAt: options.modifiedAt } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: (p: { bytesDone: number }) => options.onProgress!(Math.max(0, p.bytesDone - head)) } : {}),
  });
  return { size: r.size, entryCount: r.entryCount, zip64: r.zip64 };
}
