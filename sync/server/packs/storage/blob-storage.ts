/**
 * Where the cloud keeps pack blobs: content-addressed by sha256, immutable once stored. One
 * interface, two backends — local disk (the default, `<TEACHPOINT_CLOUD_DATA>/blobs`) and
 * S3-compatible object storage (MinIO, Aliyun OSS, Tencent COS; docs/cloud-storage.md) — so several
 * cloud processes can share one store.
 */
import { createHash } from 'node:crypto';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { TeachPointError } from '../../../../common/errors/errors';

export const SHA256_HEX = /^[0-9a-f]{64}$/;

export interface BlobStorage {
  /** `local` or `s3`: shown in logs and docs, never branched on by callers. */
  readonly kind: 'local' | 's3';
  has(sha256: string): Promise<boolean>;
  /** Size in bytes, or null when the blob is not stored. */
  size(sha256: string): Promise<number | null>;
  /**
   * Stores `source` under `sha256`. The bytes are hashed while they are written and only become
   * visible when their sha256 and length match; otherwise nothing is stored and the promise
   * rejects with `blob.hash-mismatch`. Storing a blob that is already there is a no-op success.
   */
  put(sha256: string, source: Readable, size: number): Promise<void>;
  /** The bytes `start..end` (inclusive; default the whole blob) as a stream. */
  read(sha256: string, range?: { start: number; end: number }): Promise<Readable>;
  delete(sha256: string): Promise<void>;
}

export function assertSha256(sha256: string): void {
  if (!SHA256_HEX.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
}

export function hashMismatch(sha256: string, detail: { size: number; actualSize: number; actualSha256: string }): TeachPointError {
  return new TeachPointError(
    'blob.hash-mismatch',
    {
      zh: `资源文件 ${sha256.slice(0, 12)}… 的内容与它的 sha256 不符（可能在读取时损坏），没有保存。请重新上传资源包。`,
      en: `Blob ${sha256.slice(0, 12)}… does not match its sha256 (it may have been damaged while read) and was not stored. Upload the pack again.`,
    },
    { sha256, ...detail },
  );
}

/**
 * A pass-through that hashes and counts what flows through it. It errors with `blob.hash-mismatch`
 * as soon as more than `size` bytes arrive, and at the end unless the bytes are exactly the
 * expected blob — so a pipeline into storage fails before the blob is made visible. `check()`
 * repeats the final verdict for callers that cannot see the stream's error (an SDK upload).
 */
export function hashingPassThrough(sha256: string, size: number): Transform & { check(): void } {
  const hash = createHash('sha256');
  let n = 0;
  let digest: string | undefined;
  const verdict = (): TeachPointError | null => {
    digest ??= hash.digest('hex');
    return digest !== sha256 || n !== size ? hashMismatch(sha256, { size, actualSize: n, actualSha256: digest }) : null;
  };
  const t = new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback) {
      n += chunk.length;
      if (n > size) return cb(hashMismatch(sha256, { size, actualSize: n, actualSha256: '' }));
      hash.update(chunk);
      cb(null, chunk);
    },
    flush(cb: TransformCallback) {
      cb(verdict());
    },
  });
  return Object.assign(t, {
    check() {
      if (n > size) throw hashMismatch(sha256, { size, actualSize: n, actualSha256: '' });
      const e = verdict();
      if (e) throw e;
    },
  });
}
