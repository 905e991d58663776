/**
 * Blobs in S3-compatible object storage (`@aws-sdk/client-s3`): one object per blob, key
 * `<prefix><sha256>`. Tested against s3rver (sync/server/testing/s3-server.ts); MinIO, Aliyun OSS
 * and Tencent COS settings are in docs/cloud-storage.md. Objects are written with a single
 * PutObject (≤ 5 GiB per blob — far above any lesson video) and the bytes are hashed on the way: a
 * mismatch deletes the object again before anyone is told it exists (the pack version row that
 * references a blob is written only after every put succeeded).
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
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
    const check = hashingPassThrough(sha256, size);
    source.on('error', (err) => check.destroy(err));
    source.pipe(check);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.options.bucket, Key: key, Body: check, ContentLength: size, ContentType: 'application/octet-stream', CacheControl: 'public, max-age=31536000, immutable' }),
    );
    try {
      check.check();
    } catch (err) {
      await this.delete(sha256);
      throw err;
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
