/**
 * Blobs in S3-compatible object storage (`@aws-sdk/client-s3`): one object per blob, key
 * `<prefix><sha256>`. Tested against s3rver (sync/server/testing/s3-server.ts); MinIO, Aliyun OSS
 * and Tencent COS settings are in docs/cloud-storage.md.
 *
 * Verify-then-publish, as on disk: the bytes go to a temporary key `<prefix>tmp/<sha256>.<random>`
 * with one PutObject (≤ 5 GiB per blob — far above any lesson video), hashed on the way; only when
 * sha256 and size match is the object copied (server-side) to its final key and the temporary one
 * deleted. An upload cut half-way can leave a stray object under `tmp/` (a bucket lifecycle rule
 * may expire them), never a wrong blob under a sha256 a device will fetch.
 */
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import { assertSha256, hashingPassThrough, type BlobStorage } from './blob-storage';

export interface S3BlobStorageOptions {
  bucket: string;
  /** e.g. http://127.0.0.1:9000 (MinIO), https://oss-cn-hangzhou.aliyuncs.com; unset = AWS. */
  endpoint?: string;
  region?: string;
  /** Path-style URLs (`endpoint/bucket/key`): MinIO and s3rver need it; OSS and COS want false. */
  forcePathStyle?: boolean;
  /** Key prefix, default `blobs/`. */
  prefix?: string;
  /** Explicit credentials; default: the SDK's chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY …). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

export class S3BlobStorage implements BlobStorage {
  readonly kind = 's3' as const;
  readonly client: S3Client;
  private readonly prefix: string;

  constructor(readonly options: S3BlobStorageOptions) {
    const config: S3ClientConfig = {
      region: options.region ?? 'us-east-1',
      forcePathStyle: options.forcePathStyle ?? false,
      // Only the checksums S3 requires: S3-compatible servers (OSS, COS, older MinIO, s3rver) do not
      // all understand the SDK's default aws-chunked CRC trailers. Integrity is our sha256 anyway.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    };
    if (options.endpoint) config.endpoint = options.endpoint;
    if (options.credentials) config.credentials = options.credentials;
    this.client = new S3Client(config);
    this.prefix = options.prefix ?? 'blobs/';
  }

  private key(sha256: string): string {
    assertSha256(sha256);
    return this.prefix + sha256;
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== null;
  }

  async size(sha256: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }));
      return head.ContentLength ?? 0;
    } catch (err) {
      const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
      if (e.name === 'NotFound' || e.name === 'NoSuchKey' || e.$metadata?.httpStatusCode === 404) return null;
      throw err;
    }
  }

  async put(sha256: string, source: Readable, size: number): Promise<void> {
    const key = this.key(sha256);
    if (await this.has(sha256)) {
      source.destroy();
      return;
    }
    const tmpKey = `${this.prefix}tmp/${sha256}.${randomBytes(6).toString('hex')}`;
    const check = hashingPassThrough(sha256, size);
    // The SDK neither watches its body stream for errors nor ends the request when it fails:
    // a short or wrong body would leave the upload waiting for bytes. Abort it instead.
    const abort = new AbortController();
    check.on('error', () => abort.abort());
    source.on('error', (err) => check.destroy(err));
    source.pipe(check);
    const bucket = this.options.bucket;
    try {
      await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: tmpKey, Body: check, ContentLength: size, ContentType: 'application/octet-stream' }), {
        abortSignal: abort.signal,
      });
      check.check();
      await this.client.send(
        new CopyObjectCommand({
          Bucket: bucket,
          Key: key,
          CopySource: `${bucket}/${tmpKey}`,
          MetadataDirective: 'REPLACE',
          ContentType: 'application/octet-stream',
          CacheControl: 'public, max-age=31536000, immutable',
        }),
      );
    } catch (err) {
      // The stream's own verdict explains a failed upload better than the SDK's socket error.
      let reason: unknown = err;
      try {
        check.check();
      } catch (mismatch) {
        reason = mismatch;
      }
      throw reason;
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: bucket, Key: tmpKey })).catch(() => undefined);
    }
  }

  async read(sha256: string, range?: { start: number; end: number }): Promise<Readable> {
    const out = await this.client.send(
      new GetObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256), ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
    );
    // In Node the SDK's body is an http.IncomingMessage (a Readable).
    return out.Body as Readable;
  }

  async delete(sha256: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.options.bucket, Key: this.key(sha256) }));
  }
}
