import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RemovableDrive } from '../../../common/bridge/methods/drives';
import type { BridgeEventName, BridgeEventPayload, BridgeEventSink } from '../../../common/bridge/contract';
import { bridgeMethods } from '../../../common/bridge/contract';
import { enrolTestRoot, writeTestPack } from '../../../content-packs/import/test-helpers';
import type { HostContext } from '../context';
import { createDrivesFeature } from './drives';
import { createPacksFeature } from './packs';

let tmp: string;
let events: Array<{ event: string; payload: unknown }>;
let ctx: HostContext;
beforeEach(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'tp-host-packs-'));
  events = [];
  const sink: BridgeEventSink = {
    emit<E extends BridgeEventName>(event: E, payload: BridgeEventPayload<E>) {
      events.push({ event, payload });
    },
  };
  ctx = { dataDir: join(tmp, 'data'), events: sink, shell: 'browser', electronVersion: null, safeMode: false, appVersion: '0.0.0' };
  await enrolTestRoot(ctx.dataDir);
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

describe('packs + drives host features', () => {
  it('a stick arrives → drives.changed + drives.packsFound; packs.import emits progress and packs.changed; media resolves', async () => {
    const stick = join(tmp, 'stick');
    const pack = await writeTestPack(join(stick, 'TeachPoint'), { blobs: [{ seed: 's1', size: 120_000 }, { seed: 's2', size: 80_000 }] });
    let mounted: RemovableDrive[] = [];
    const packs = createPacksFeature(ctx);
    const drives = createDrivesFeature(ctx, { library: packs.library, readDrives: async () => mounted, intervalMs: 10 });
    try {
      expect(await drives.handlers['drives.list']({})).toEqual([]);
      mounted = [{ id: stick, mountPoint: stick, label: 'U盘', totalBytes: null, freeBytes: null }];
      await expect.poll(() => events.find((e) => e.event === 'drives.packsFound'), { timeout: 5000 }).toBeTruthy();
      const changed = events.find((e) => e.event === 'drives.changed')!.payload as { arrived: RemovableDrive[] };
      expect(changed.arrived.map((d) => d.label)).toEqual(['U盘']);
      const found = events.find((e) => e.event === 'drives.packsFound')!.payload;
      expect(bridgeMethods['drives.scan'].response.parse(found)).toMatchObject({ driveId: stick, packs: [{ id: pack.id, version: 1, status: 'new' }] });

      // The bridge imports one file: a folder is refused with a clear message, nothing imported.
      await expect(packs.handlers['packs.import']({ path: stick })).rejects.toMatchObject({ code: 'import.not-a-file' });
      expect(await packs.handlers['packs.list']({})).toEqual([]);

      const result = await packs.handlers['packs.import']({ path: pack.path });
      expect(bridgeMethods['packs.import'].response.parse(result)).toMatchObject({ id: pack.id, version: 1, blobsCopied: 2 });
      const progress = events.filter((e) => e.event === 'packs.importProgress').map((e) => e.payload as { phase: string });
      expect(progress[0]!.phase).toBe('verifying');
      expect(progress.at(-1)!.phase).toBe('done');
      expect(events.filter((e) => e.event === 'packs.changed')).toHaveLength(1);
      expect(await packs.media!.resolve(pack.blobs[0]!.sha256)).toMatchObject({ size: 120_000, mime: 'video/mp4' });

      const scan = await drives.handlers['drives.scan']({ driveId: stick });
      expect(scan.packs[0]).toMatchObject({ status: 'installed', installedVersion: 1 });
      await expect(drives.handlers['drives.scan']({ driveId: '/nope' })).rejects.toMatchObject({ code: 'drives.not-found' });

      mounted = [];
      await expect.poll(() => events.filter((e) => e.event === 'drives.changed').length, { timeout: 5000 }).toBe(2);
      expect(await packs.handlers['packs.cancelImport']({})).toEqual({ cancelled: false });
      const removed = await packs.handlers['packs.remove']({ id: pack.id });
      expect(removed.bytesFreed).toBe(200_000);
      expect(await packs.handlers['packs.list']({})).toEqual([]);
    } finally {
      await drives.dispose();
      await packs.dispose();
    }
  });
});
