/**
 * What the pack routes need besides the database: the blob storage, the trust roots uploads are
 * verified against, and where uploads are spooled. Made once per process (server.ts, the CLI) and
 * carried in the CloudContext (`ctx.packs`).
 */
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { loadTrust, type TrustInput } from '../../../content-packs/import/open-verified';
import type { BlobStorage } from './storage/blob-storage';
import { blobStorageFromEnv } from './storage/from-env';

/** Extra trusted root public keys (path.delimiter-separated) — the same variable the device host reads. */
export const TRUST_ROOTS_ENV = 'TEACHPOINT_TRUST_ROOTS';
/** Largest .tpk an upload may be (bytes); default 8 GiB. */
export const MAX_PACK_BYTES_ENV = 'TEACHPOINT_MAX_PACK_BYTES';
const DEFAULT_MAX_PACK_BYTES = 8 * 1024 ** 3;

export interface PackEnvironment {
  blobs: BlobStorage;
  /**
   * Trusted province roots and revocation lists, exactly as a device loads them
   * (`<data>/trust/*.pub`, `*.revocations` + TEACHPOINT_TRUST_ROOTS): read on every upload, so a new
   * root file takes effect without a restart.
   */
  trust(): Promise<TrustInput>;
  /** Uploads are streamed to a temp file here, verified, then deleted. */
  spoolDir: string;
  maxPackBytes: number;
}

export function packEnvironmentFromEnv(env: NodeJS.ProcessEnv, dataDir: string): PackEnvironment {
  const extraRoots = (env[TRUST_ROOTS_ENV] ?? '').split(delimiter).filter(Boolean).map((f) => resolve(f));
  return {
    blobs: blobStorageFromEnv(env, dataDir),
    trust: () => loadTrust(dataDir, extraRoots),
    spoolDir: join(dataDir, 'uploads'),
    maxPackBytes: Number(env[MAX_PACK_BYTES_ENV]) > 0 ? Number(env[MAX_PACK_BYTES_ENV]) : DEFAULT_MAX_PACK_BYTES,
  };
}

/** For tests and benches: given storage and roots, spooling to the OS temp dir. */
export function packEnvironment(blobs: BlobStorage, trust: TrustInput, options: { spoolDir?: string; maxPackBytes?: number } = {}): PackEnvironment {
  return { blobs, trust: async () => trust, spoolDir: options.spoolDir ?? join(tmpdir(), 'teachpoint-cloud-uploads'), maxPackBytes: options.maxPackBytes ?? DEFAULT_MAX_PACK_BYTES };
}
