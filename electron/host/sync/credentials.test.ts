import { promises as fs } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  forgetSyncCredentials,
  normaliseCloudUrl,
  publicSyncCredentials,
  readSyncCredentials,
  syncCredentialsPath,
  writeSyncCredentials,
  type SyncCredentials,
} from './credentials';

const sample: SyncCredentials = {
  cloudUrl: 'http://127.0.0.1:8787/',
  deviceId: '0193a000-0000-7000-8000-000000000001',
  token: `tpd_${'a'.repeat(43)}`,
  school: { id: 's1', name: '某某村教学点', countyId: 'c1', countyName: '某某县' },
  enrolledAt: '2026-12-01T02:00:00.000Z',
  via: 'code',
};

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tp-sync-cred-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

describe('sync credentials', () => {
  it('is null before enrollment, round-trips after, and forget removes it', async () => {
    expect(await readSyncCredentials(dir)).toBeNull();
    await writeSyncCredentials(dir, sample);
    expect(await readSyncCredentials(dir)).toEqual({ ...sample, cloudUrl: 'http://127.0.0.1:8787' });
    await forgetSyncCredentials(dir);
    await forgetSyncCredentials(dir);
    expect(await readSyncCredentials(dir)).toBeNull();
  });

  it('writes the file readable by its owner only, with no temp file left behind', async () => {
    await writeSyncCredentials(dir, sample);
    const stat = await fs.stat(syncCredentialsPath(dir));
    if (process.platform !== 'win32') expect(stat.mode & 0o777).toBe(0o600);
    expect(await fs.readdir(path.dirname(syncCredentialsPath(dir)))).toEqual(['credentials.json']);
  });

  it('refuses to read a damaged file as "not enrolled"', async () => {
    await fs.mkdir(path.dirname(syncCredentialsPath(dir)), { recursive: true });
    await fs.writeFile(syncCredentialsPath(dir), '{"cloudUrl":');
    await expect(readSyncCredentials(dir)).rejects.toMatchObject({ code: 'sync.credentials-corrupt' });
  });

  it('keeps the token out of the public view and normalises cloud addresses', () => {
    expect(JSON.stringify(publicSyncCredentials(sample))).not.toContain('tpd_');
    expect(normaliseCloudUrl('HTTPS://Cloud.Example.cn:443/tp/')).toBe('https://cloud.example.cn/tp');
  });
});
