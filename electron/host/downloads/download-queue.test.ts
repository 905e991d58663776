import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DownloadState } from '../../../common/bridge/methods/downloads';
import { PackLibrary } from '../../../content-packs/device/pack-library';
import { enrolTestRoot, testTrust, writeTestPack, type TestPack } from '../../../content-packs/import/test-helpers';
import { startPackServer, type PackServer, type ServedRelease } from '../../../tests/downloads/pack-server';
import type { HostContext } from '../context';
import { createDownloadsFeature } from '../handlers/downloads';
import { writeSyncCredentials } from '../sync/credentials';
import { downloadQueuePath } from './download-queue';

const ROOT = resolve(__dirname, '../../..');
const bigDisk = async () => ({ totalBytes: 1e12, freeBytes: 1e12 });
let tmp: string;
let server: PackServer;
let pack: TestPack;
let release: ServedRelease;
let child: string;

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tp-download-queue-'));
  server = await startPackServer();
  pack = await writeTestPack(join(tmp, 'packs'), { id: 'cn.test.queue', version: 1, blobs: [{ seed: 'q-a', size: 12_000_000 }, { seed: 'q-b', size: 300_000 }] });
  release = await server.publish(pack);
  // The host's download feature in a child process, bundled like the Electron build bundles host code.
  child = join(tmp, 'download-child.cjs');
  const contents = `
    import { PackLibrary } from './content-packs/device/pack-library';
    import { createDownloadsFeature } from './electron/host/handlers/downloads';
    const [dataDir, releaseJson] = process.argv.slice(2);
    const ctx = { dataDir, shell: 'browser', electronVersion: null, safeMode: false, appVersion: 'test',
      events: { emit: (_e, s) => process.stdout.write(JSON.stringify(s) + '\\n') } };
    const library = new PackLibrary({ dataDir, diskFree: async () => ({ totalBytes: 1e12, freeBytes: 1e12 }) });
    const f = createDownloadsFeature(ctx, library, { reserveBytes: 0, diskFree: async () => ({ totalBytes: 1e12, freeBytes: 1e12 }) });
    f.queue.setBandwidth(3_000_000);
    f.handlers['downloads.start'](JSON.parse(releaseJson));
  `;
  await build({ stdin: { contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'download-child.ts' }, outfile: child, bundle: true, platform: 'node', target: 'node16', format: 'cjs', logLevel: 'error', absWorkingDir: ROOT });
});
afterAll(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

async function enrolledDataDir(name: string): Promise<string> {
  const dataDir = join(tmp, name);
  await enrolTestRoot(dataDir);
  await writeSyncCredentials(dataDir, {
    cloudUrl: server.origin,
    deviceId: 'dev-1',
    token: server.token,
    school: { id: 's1', name: '测试教学点', countyId: 'c1', countyName: '测试县' },
    enrolledAt: new Date().toISOString(),
  });
  return dataDir;
}

function hostFeature(dataDir: string, states: DownloadState[]) {
  const ctx: HostContext = {
    dataDir,
    shell: 'browser',
    electronVersion: null,
    safeMode: false,
    appVersion: 'test',
    events: { emit: (event, payload) => void (event === 'downloads.progress' && states.push(payload as DownloadState)) },
  };
  const library = new PackLibrary({ dataDir, diskFree: bigDisk });
  return { library, feature: createDownloadsFeature(ctx, library, { reserveBytes: 0, diskFree: bigDisk, random: () => 0 }) };
}

async function until(check: () => boolean, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('download queue (downloads.* bridge feature)', () => {
  it('start → progress events → installed; start again is idempotent; list shows it; the queue file persists it', async () => {
    const dataDir = await enrolledDataDir('plain');
    const states: DownloadState[] = [];
    const { library, feature } = hostFeature(dataDir, states);
    try {
      const first = await feature.handlers['downloads.start'](release);
      expect(first).toMatchObject({ packId: release.packId, version: 1, state: 'queued', bytesTotal: release.totalBytes });
      await until(() => states.some((s) => s.state === 'installed'), 'installed');
      expect((await library.list()).map((p) => p.id)).toEqual([release.packId]);
      const installed = states.find((s) => s.state === 'installed')!;
      expect(installed).toMatchObject({ bytesDone: release.totalBytes, etaSeconds: 0 });
      // (byte progress is throttled to ~4 events/s: a fast local download may show none in between)
      expect(states.find((s) => s.state === 'installing')!.bytesDone).toBe(release.totalBytes);
      expect((await feature.handlers['downloads.start'](release)).state).toBe('installed');
      expect(await feature.handlers['downloads.list']({})).toHaveLength(1);
      const file = JSON.parse(readFileSync(downloadQueuePath(dataDir), 'utf8')) as { entries: Array<{ state: string }> };
      expect(file.entries.map((e) => e.state)).toEqual(['installed']);
      expect(await feature.handlers['downloads.cancel']({ packId: release.packId, version: 1 })).toEqual({ cancelled: true });
      expect(await feature.handlers['downloads.list']({})).toEqual([]);
    } finally {
      await feature.dispose();
    }
  });

  it('not enrolled → paused with download.not-enrolled; a later start after enrolment runs it', async () => {
    const dataDir = join(tmp, 'not-enrolled');
    await enrolTestRoot(dataDir);
    const states: DownloadState[] = [];
    const { feature } = hostFeature(dataDir, states);
    try {
      await feature.handlers['downloads.start'](release);
      await until(() => states.some((s) => s.state === 'paused'), 'paused');
      expect(states.find((s) => s.state === 'paused')!.error?.code).toBe('download.not-enrolled');
    } finally {
      await feature.dispose();
    }
  });

  it('downloads.addTrust keeps what the roots signed and reports what it refused', async () => {
    const dataDir = join(tmp, 'trust');
    await enrolTestRoot(dataDir);
    const { feature } = hostFeature(dataDir, []);
    try {
      const cert = (await testTrust()).cert;
      const forged = { ...cert, signature: cert.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) };
      const now = new Date().toISOString();
      const r = await feature.handlers['downloads.addTrust']({
        documents: [
          { id: 'c1', kind: 'certificate', document: cert, updatedAt: now, deleted: false },
          { id: 'c2', kind: 'certificate', document: forged, updatedAt: now, deleted: false },
        ],
      });
      expect(r).toEqual({ stored: ['c1'], removed: [], refused: [{ id: 'c2', codes: ['pack.bad-cert-signature'] }] });
    } finally {
      await feature.dispose();
    }
  });

  it('kill -9 of the host mid-download, then restart: the persisted queue resumes from the partial file', async () => {
    const dataDir = await enrolledDataDir('killed');
    server.blobRequests.length = 0;
    const proc = spawn(process.execPath, [child, dataDir, JSON.stringify(release)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<void>((r) => proc.on('close', () => r()));
    const big = pack.blobs.find((b) => b.size === 12_000_000)!;
    const partial = join(dataDir, 'tmp', 'partial', big.sha256);
    try {
      await until(() => existsSync(partial) && statSync(partial).size >= 3 * 1024 * 1024, 'the child to write 3 MiB');
    } finally {
      proc.kill('SIGKILL');
      await exited;
    }
    const keptBytes = statSync(partial).size;
    expect(keptBytes).toBeLessThan(big.size);
    const queued = JSON.parse(readFileSync(downloadQueuePath(dataDir), 'utf8')) as { entries: Array<{ state: string }> };
    expect(queued.entries).toHaveLength(1);
    expect(queued.entries[0]!.state).not.toBe('installed');

    const states: DownloadState[] = [];
    const { library, feature } = hostFeature(dataDir, states); // resumes by itself: nobody calls start
    try {
      await until(() => states.some((s) => s.state === 'installed' || s.state === 'failed'), 'the resumed download');
      expect(states.find((s) => s.state === 'failed')).toBeUndefined();
      expect((await library.list()).map((p) => p.id)).toEqual([release.packId]);
      const resumed = server.blobRequests.filter((r) => r.sha256 === big.sha256);
      expect(resumed.at(-1)).toEqual({ sha256: big.sha256, range: `bytes=${keptBytes}-`, ifRange: `"${big.sha256}"` });
      expect(existsSync(partial)).toBe(false);
    } finally {
      await feature.dispose();
    }
  });
});
