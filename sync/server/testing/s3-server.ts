/**
 * A local S3-compatible server for tests (s3rver 3.7, pure JS from npm; objects on a temp dir),
 * with one bucket. S3BlobStorage talks to it exactly as to MinIO: path-style URLs on loopback.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import S3rver from 's3rver';
import { S3BlobStorage } from '../packs/storage/s3';

/** s3rver accepts any key pair that is configured; these are its defaults. */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

export interface TestS3Server {
  endpoint: string;
  bucket: string;
  /** An S3BlobStorage on this server's bucket. */
  storage(prefix?: string): S3BlobStorage;
  close(): Promise<void>;
}

export async function startS3Server(bucket = 'teachpoint-blobs'): Promise<TestS3Server> {
  const directory = mkdtempSync(join(tmpdir(), 'tp-s3rver-'));
  const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    bucket,
    storage: (prefix) => new S3BlobStorage({ bucket, endpoint, region: 'us-east-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS, ...(prefix !== undefined ? { prefix } : {}) }),
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
