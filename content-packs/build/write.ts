/**
 * The last step of `tpk build`: canonical manifest bytes, Ed25519 signature (node:crypto), then the
 * format library's streaming ZIP64 writer (`<out>.partial` → fsync → rename; nothing left behind
 * on failure). Node 16 APIs only.
 */
import { stat, unlink } from 'node:fs/promises';
import { TeachPointError } from '../../common/errors/errors';
import { canonicalBytes } from '../format/canonical';
import { MAX_MANIFEST_BYTES, type PackManifest } from '../format/manifest';
import { signManifest, signatureFileBytes } from '../format/signature';
import type { PrivateKeyFile } from '../format/trust';
import { nodeEd25519 } from '../node/ed25519-node';
import { writePack } from '../node/pack-writer';
import { type FileStamp, sameStamp } from '../media/prepare';

export interface PackBlobSource {
  sha256: string;
  size: number;
  mime: string;
  /** DEFLATE (text) or STORE (media). */
  compress: boolean;
  path?: string;
  /** Stamp taken when `path` was hashed earlier in this build (then the writer need not hash again). */
  stamp?: FileStamp;
  /** CRC-32 computed in that same hashing pass (used only with `stamp`: the stamp check after writing covers it). */
  crc32?: number;
  bytes?: Uint8Array;
}

async function changedSince(b: PackBlobSource): Promise<boolean> {
  if (!b.path || !b.stamp) return false;
  const st = await stat(b.path).catch(() => null);
  return !st || !sameStamp(b.stamp, { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino });
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
  if (manifestBytes.length > MAX_MANIFEST_BYTES) {
    // Readers refuse such a manifest (docs/pack-format.md §2 Bounds): do not write a pack no device opens.
    throw new TeachPointError(
      'build.manifest-too-large',
      {
        zh: `清单 manifest.json 有 ${manifestBytes.length} 字节，超过上限 ${MAX_MANIFEST_BYTES} 字节，设备会拒绝这样的资源包。请把素材分成几个资源包分别打包。`,
        en: `manifest.json would be ${manifestBytes.length} bytes, over the ${MAX_MANIFEST_BYTES}-byte limit devices accept. Split the material into several packs.`,
      },
      { size: manifestBytes.length, max: MAX_MANIFEST_BYTES },
    );
  }
  const signatureBytes = signatureFileBytes(await signManifest(manifestBytes, options.key, nodeEd25519));
  const head = manifestBytes.length + signatureBytes.length;
  // big media first, then small files: progress moves smoothly and readers find text at the end
  const blobs = [...options.blobs].sort((a, b) => Number(a.compress) - Number(b.compress) || b.size - a.size || (a.sha256 < b.sha256 ? -1 : 1));
  // Every file was hashed moments ago in this build and carries that stamp (size, mtime, inode):
  // checking the stamps after writing replaces a second sha256 pass over all media (the slowest
  // part of writing). The writer still checks sizes; devices re-hash every blob on import anyway.
  const allStamped = blobs.every((b) => !b.path || b.stamp);
  const r = await writePack({
    out: options.out,
    manifestBytes,
    signatureBytes,
    verifyHashes: !allStamped,
    blobs: blobs.map((b) => ({ sha256: b.sha256, size: b.size, compress: b.compress, source: b.path ?? b.bytes!, ...(b.path && b.stamp && b.crc32 !== undefined ? { crc32: b.crc32 } : {}) })),
    ...(options.modifiedAt ? { modifiedAt: options.modifiedAt } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: (p: { bytesDone: number }) => options.onProgress!(Math.max(0, p.bytesDone - head)) } : {}),
  });
  const changed: string[] = [];
  for (const b of blobs) if (await changedSince(b)) changed.push(b.path!);
  if (changed.length > 0) {
    await unlink(options.out).catch(() => undefined);
    throw new TeachPointError(
      'build.source-changed',
      {
        zh: `打包过程中有文件被修改：${changed.join('、')}。已删除不完整的资源包，请在文件不再变化时重新运行 tpk build。`,
        en: `Files changed while the pack was being built: ${changed.join(', ')}. The pack was deleted; run tpk build again once the files stop changing.`,
      },
      { files: changed },
    );
  }
  return { size: r.size, entryCount: r.entryCount, zip64: r.zip64 };
}
