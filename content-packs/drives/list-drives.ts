import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import type { RemovableDrive } from '../../common/bridge/methods/drives';
import { removableMountsFromProc } from './linux-mounts';
import { powershellDrivesArgs, removableFromDriveInfo, removableFromWmic, decodeWmicOutput, WMIC_ARGS_CSV, WMIC_ARGS_VALUE } from './windows-drives';
import { diskFree } from '../store/disk-space';

/** Run a program and return its stdout bytes (rejects on non-zero exit or timeout). */
export type ExecBytes = (file: string, args: string[]) => Promise<Buffer>;

export const execBytes: ExecBytes = (file, args) =>
  new Promise((resolve, reject) => {
    execFile(file, args, { encoding: 'buffer', windowsHide: true, timeout: 15_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout) => {
      if (err) reject(err);
      else resolve(stdout);
    });
  });

export interface DriveListerDeps {
  platform?: NodeJS.Platform;
  exec?: ExecBytes;
  readMounts?: () => Promise<string>;
  /** Free/total bytes of a Linux mount (Windows gets them from DriveInfo/wmic). */
  spaceOf?: (mountPoint: string) => Promise<{ totalBytes: number; freeBytes: number } | null>;
}

/**
 * Removable drives right now. Linux: /proc/self/mounts; Windows: PowerShell DriveInfo, falling
 * back to wmic when PowerShell is missing or fails. Other platforms: none.
 */
export async function listRemovableDrives(deps: DriveListerDeps = {}): Promise<RemovableDrive[]> {
  const platform = deps.platform ?? process.platform;
  const exec = deps.exec ?? execBytes;
  if (platform === 'win32') {
    try {
      const out = await exec('powershell.exe', powershellDrivesArgs());
      const text = out.toString('utf8');
      if (text.includes('TPDRIVE|')) return removableFromDriveInfo(text).map(toBridge);
    } catch {
      // fall through to wmic
    }
    for (const args of [WMIC_ARGS_CSV, WMIC_ARGS_VALUE]) {
      try {
        const out = await exec('wmic', args);
        return removableFromWmic(decodeWmicOutput(out)).map(toBridge);
      } catch {
        // next format
      }
    }
    return [];
  }
  if (platform === 'linux') {
    const text = await (deps.readMounts ?? (() => fs.promises.readFile('/proc/self/mounts', 'utf8')))();
    const spaceOf = deps.spaceOf ?? (async (p: string) => diskFree(p).catch(() => null));
    const mounts = removableMountsFromProc(text);
    return Promise.all(
      mounts.map(async (m) => {
        const space = await spaceOf(m.mountPoint);
        return { id: m.id, mountPoint: m.mountPoint, label: m.label, totalBytes: space?.totalBytes ?? null, freeBytes: space?.freeBytes ?? null };
      }),
    );
  }
  return [];
}

function toBridge(d: { id: string; mountPoint: string; label: string | null; totalBytes: number | null; freeBytes: number | null }): RemovableDrive {
  return { id: d.id, mountPoint: d.mountPoint, label: d.label, totalBytes: d.totalBytes, freeBytes: d.freeBytes };
}
