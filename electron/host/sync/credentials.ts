/**
 * The device's sync credentials: which cloud it belongs to, its device id and token, and its
 * school. Kept by the host in `<data>/sync/credentials.json` — never in IndexedDB, where any page
 * of the app origin could read the token (docs/sync-protocol.md §3 "Tokens"). The renderer only
 * ever sees the public part (`publicSyncCredentials`).
 *
 * Readers: the sync transport (electron/host/sync), the pack downloader (cloudUrl + token) and the
 * USB progress bundles (deviceId + token).
 */
import { randomBytes } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { TeachPointError } from '../../../common/errors/errors';
import { SchoolRefSchema, type SchoolRef } from '../../../sync/protocol/enroll';

export const SyncCredentialsSchema = z.object({
  /** Origin (and optional base path) of the cloud, no trailing slash: `https://cloud.example.cn`. */
  cloudUrl: z.string().url(),
  deviceId: z.string().min(1),
  token: z.string().regex(/^tpd_[A-Za-z0-9_-]{43}$/),
  school: SchoolRefSchema,
  enrolledAt: z.string(),
  /** How the device enrolled: a code typed in, or an enrollment file from a stick. */
  via: z.enum(['code', 'file']).optional(),
});
export type SyncCredentials = z.infer<typeof SyncCredentialsSchema>;

/** What the renderer may see: everything but the token. */
export interface PublicSyncCredentials {
  cloudUrl: string;
  deviceId: string;
  school: SchoolRef;
  enrolledAt: string;
}

export function publicSyncCredentials(c: SyncCredentials): PublicSyncCredentials {
  return { cloudUrl: c.cloudUrl, deviceId: c.deviceId, school: c.school, enrolledAt: c.enrolledAt };
}

export function syncCredentialsPath(dataDir: string): string {
  return path.join(dataDir, 'sync', 'credentials.json');
}

/** `https://Host:443/base/` → `https://host/base`: one spelling, so path checks compare equal. */
export function normaliseCloudUrl(url: string): string {
  const parsed = new URL(url);
  const base = parsed.pathname.replace(/\/+$/, '');
  return `${parsed.protocol}//${parsed.host}${base}`;
}

/**
 * `null` when the device is not enrolled. A file that exists but does not parse throws
 * `sync.credentials-corrupt` (never read as "not enrolled", which would silently stop all sync).
 */
export async function readSyncCredentials(dataDir: string): Promise<SyncCredentials | null> {
  let text: string;
  try {
    text = await fs.readFile(syncCredentialsPath(dataDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    return SyncCredentialsSchema.parse(JSON.parse(text));
  } catch {
    throw new TeachPointError('sync.credentials-corrupt', {
      zh: '本机的云端登记信息已损坏。请在“教师 → 云端同步”中取消登记，再用新的登记码重新登记。',
      en: "This computer's cloud enrollment file is damaged. Open Teacher → Cloud sync, forget the enrollment and enroll again with a new code.",
    });
  }
}

/** Temp file (mode 0600) + fsync + rename: a power cut leaves the old credentials or the new ones. */
export async function writeSyncCredentials(dataDir: string, credentials: SyncCredentials): Promise<void> {
  const valid = SyncCredentialsSchema.parse({ ...credentials, cloudUrl: normaliseCloudUrl(credentials.cloudUrl) });
  const target = syncCredentialsPath(dataDir);
  await fs.mkdir(path.dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(temp, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(valid, null, 2));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, target);
}

/** Remove the credentials (the device is no longer enrolled). Idempotent. */
export async function forgetSyncCredentials(dataDir: string): Promise<void> {
  await fs.rm(syncCredentialsPath(dataDir), { force: true });
}
