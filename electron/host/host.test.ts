import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bridgeMethodNames } from '../../common/bridge/contract';
import { dispatchBridgeCall } from '../../common/bridge/dispatch';
import type { HostEvent } from './events';
import { createHost, extraDrivesFromEnv, SAMPLES_DRIVE_LABEL, type Host } from './host';

const root = mkdtempSync(join(tmpdir(), 'tp-host-'));
const dataDir = join(root, 'data');
const stick = join(root, 'samples-stick');
let host: Host;
const seen: HostEvent[] = [];

beforeAll(async () => {
  mkdirSync(stick, { recursive: true });
  host = await createHost({
    dataDir,
    shell: 'browser',
    appVersion: '9.9.9',
    extraDrives: [stick, join(root, 'does-not-exist')],
    readDrives: async () => [],
    drivesIntervalMs: 60_000,
    log: () => undefined,
  });
  host.events.subscribe((e) => seen.push(e));
});

afterAll(async () => {
  await host.dispose();
  rmSync(root, { recursive: true, force: true });
});

const call = (method: string, payload: unknown = {}) => dispatchBridgeCall(host.handlers, method, payload);

describe('createHost', () => {
  it('implements every method of the contract', () => {
    for (const name of bridgeMethodNames) expect(typeof host.handlers[name], name).toBe('function');
  });

  it('app.info describes this host', async () => {
    const r = await call('app.info');
    expect(r).toMatchObject({ ok: true, value: { name: 'TeachPoint', version: '9.9.9', shell: 'browser', dataDir, safeMode: false, electronVersion: null } });
  });

  it('app.setSafeMode persists in settings.json and says a restart is needed', async () => {
    expect(await call('app.setSafeMode', { enabled: true })).toEqual({ ok: true, value: { safeMode: true, restartRequired: true } });
    expect(JSON.parse(readFileSync(join(dataDir, 'settings.json'), 'utf8')).safeMode).toBe(true);
    expect(await call('app.info')).toMatchObject({ value: { safeMode: true } });
    expect(await call('app.setSafeMode', { enabled: false })).toEqual({ ok: true, value: { safeMode: false, restartRequired: false } });
  });

  it('storage.usage reports the disk and the bytes under the data dir', async () => {
    writeFileSync(join(dataDir, 'filler.bin'), Buffer.alloc(4096));
    const r = await call('storage.usage');
    if (!r.ok) throw new Error(JSON.stringify(r.error));
    const v = r.value as { totalBytes: number; freeBytes: number; usedByAppBytes: number; dataDir: string };
    expect(v.dataDir).toBe(dataDir);
    expect(v.totalBytes).toBeGreaterThan(0);
    expect(v.freeBytes).toBeLessThanOrEqual(v.totalBytes);
    expect(v.usedByAppBytes).toBeGreaterThanOrEqual(4096);
  });

  it('packs.list starts empty; the media resolver knows no blobs', async () => {
    expect(await call('packs.list')).toEqual({ ok: true, value: [] });
    expect(await host.media.resolve('a'.repeat(64))).toBeNull();
  });

  it('extra drive folders appear as removable drives (missing ones are skipped)', async () => {
    const r = await call('drives.list');
    expect(r).toMatchObject({ ok: true, value: [{ id: stick, mountPoint: stick }] });
    if (r.ok) expect((r.value as unknown[]).length).toBe(1);
  });

  it('quit handshake: app.willQuit is emitted, app.flushed resolves it; a silent renderer times out', async () => {
    seen.length = 0;
    const pending = host.requestQuit(10_000);
    expect(seen.map((e) => e.name)).toContain('app.willQuit');
    await call('app.flushed');
    expect(await pending).toBe('flushed');
    expect(await host.requestQuit(1)).toBe('timeout');
  });

  it('reads extra drives from TEACHPOINT_EXTRA_DRIVES', () => {
    expect(extraDrivesFromEnv({ TEACHPOINT_EXTRA_DRIVES: ['/a', '/b'].join(delimiter) })).toEqual(['/a', '/b']);
    expect(extraDrivesFromEnv({})).toEqual([]);
    expect(extraDrivesFromEnv({ TEACHPOINT_SAMPLES_DIR: '/s' })).toEqual([{ path: '/s', label: SAMPLES_DRIVE_LABEL }]);
  });
});
