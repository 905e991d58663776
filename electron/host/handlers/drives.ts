import type { RemovableDrive } from '../../../common/bridge/methods/drives';
import { TeachPointError } from '../../../common/errors/errors';
import { PackLibrary } from '../../../content-packs/device/pack-library';
import { listRemovableDrives } from '../../../content-packs/drives/list-drives';
import { DrivePoller } from '../../../content-packs/drives/poller';
import type { HostContext, HostFeature } from '../context';

export type DrivesMethod = 'drives.list' | 'drives.scan';

export interface DrivesFeatureOptions {
  /** Where `drives.scan` compares found packs with installed ones (the packs feature's library). */
  library?: PackLibrary;
  /** Injected drive reader (tests, the first-run "sample packs as a stick"); default: the OS's. */
  readDrives?: () => Promise<RemovableDrive[]>;
  intervalMs?: number;
}

/**
 * USB sticks: polls every 2 s, emits `drives.changed` with arrived/left, scans arrived sticks
 * for `.tpk` packs and emits `drives.packsFound` when there are any.
 */
export function createDrivesFeature(ctx: HostContext, options: DrivesFeatureOptions = {}): HostFeature<DrivesMethod> {
  const read = options.readDrives ?? (() => listRemovableDrives());
  // Scanning only reads packs.json, so a library of its own on the same data dir is fine.
  const library = options.library ?? new PackLibrary({ dataDir: ctx.dataDir });
  const scan = async (drive: RemovableDrive) => ({ driveId: drive.id, packs: await library.scanDirectory(drive.mountPoint) });
  const poller = new DrivePoller(
    read,
    (diff) => {
      ctx.events.emit('drives.changed', diff);
      for (const d of diff.arrived) {
        void scan(d)
          .then((found) => {
            if (found.packs.length > 0) ctx.events.emit('drives.packsFound', found);
          })
          .catch(() => undefined);
      }
    },
    { intervalMs: options.intervalMs ?? 2000 },
  );
  const started = poller.start();
  return {
    handlers: {
      'drives.list': async () => {
        await started;
        return poller.drives;
      },
      'drives.scan': async ({ driveId }) => {
        await started;
        await poller.tick();
        const drive = poller.drives.find((d) => d.id === driveId);
        if (!drive) {
          throw new TeachPointError(
            'drives.not-found',
            { zh: '找不到该U盘，可能已被拔出。请重新插好后再试。', en: 'That USB drive was not found; it may have been removed. Reinsert it and try again.' },
            { driveId },
          );
        }
        return scan(drive);
      },
    },
    dispose: () => poller.stop(),
  };
}
