/**
 * The blob storage a cloud process uses, from its environment:
 *   TEACHPOINT_S3_BUCKET set  → S3BlobStorage (TEACHPOINT_S3_ENDPOINT, TEACHPOINT_S3_REGION,
 *                               TEACHPOINT_S3_FORCE_PATH_STYLE=1, TEACHPOINT_S3_PREFIX; credentials
 *                               from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, the SDK's chain)
 *   otherwise                 → LocalDiskBlobStorage in `<TEACHPOINT_CLOUD_DATA>/blobs`
 */
import { join } from 'node:path';
import type { BlobStorage } from './blob-storage';
import { LocalDiskBlobStorage } from './local-disk';
import { S3BlobStorage } from './s3';

export function blobStorageFromEnv(env: NodeJS.ProcessEnv, dataDir: string): BlobStorage {
  const bucket = env.TEACHPOINT_S3_BUCKET;
  if (!bucket) return new LocalDiskBlobStorage(join(dataDir, 'blobs'));
  return new S3BlobStorage({
    bucket,
    ...(env.TEACHPOINT_S3_ENDPOINT ? { endpoint: env.TEACHPOINT_S3_ENDPOINT } : {}),
    ...(env.TEACHPOINT_S3_REGION ? { region: env.TEACHPOINT_S3_REGION } : {}),
    ...(env.TEACHPOINT_S3_PREFIX !== undefined ? { prefix: env.TEACHPOINT_S3_PREFIX } : {}),
    forcePathStyle: /^(1|true|yes)$/i.test(env.TEACHPOINT_S3_FORCE_PATH_STYLE ?? ''),
  });
}
