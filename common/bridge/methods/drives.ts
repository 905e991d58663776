import { z } from 'zod';
import { defineEvent, defineMethod } from '../define';
import { LocalizedTitle } from '../../../content-packs/format/manifest';

export const RemovableDrive = z.object({
  /** Stable id for the session: the mount point (Linux) or drive letter (Windows). */
  id: z.string(),
  mountPoint: z.string(),
  label: z.string().nullable(),
  totalBytes: z.number().nonnegative().nullable(),
  freeBytes: z.number().nonnegative().nullable(),
});
export type RemovableDrive = z.infer<typeof RemovableDrive>;

/** A `.tpk` found on a stick (at its root or in `TeachPoint/`), read from its manifest only. */
export const FoundPack = z.object({
  path: z.string(),
  fileName: z.string(),
  /** File size of the `.tpk`. */
  bytes: z.number().nonnegative(),
  id: z.string().nullable(),
  version: z.number().int().nonnegative().nullable(),
  title: LocalizedTitle.nullable(),
  /** Version of the same pack already installed, null when none. */
  installedVersion: z.number().int().nonnegative().nullable(),
  /** new: not installed · update: newer than installed · installed: same version · older: downgrade · unreadable: manifest could not be read */
  status: z.enum(['new', 'update', 'installed', 'older', 'unreadable']),
  /** Error code when status is 'unreadable'. */
  error: z.string().nullable(),
});
export type FoundPack = z.infer<typeof FoundPack>;

export const DrivePacks = z.object({ driveId: z.string(), packs: z.array(FoundPack) });
export type DrivePacks = z.infer<typeof DrivePacks>;

export const drivesMethods = {
  'drives.list': defineMethod('Removable drives (USB sticks) currently mounted', z.object({}).strict(), z.array(RemovableDrive)),
  'drives.scan': defineMethod(
    'Look for .tpk packs on a drive (root and TeachPoint/ folder) and compare with installed packs',
    z.object({ driveId: z.string().min(1) }).strict(),
    DrivePacks,
  ),
};

export const drivesEvents = {
  'drives.changed': defineEvent(
    'The set of mounted removable drives changed',
    z.object({
      drives: z.array(RemovableDrive),
      arrived: z.array(RemovableDrive).default([]),
      left: z.array(RemovableDrive).default([]),
    }),
  ),
  'drives.packsFound': defineEvent('Packs found on a newly arrived drive (sent only when it holds at least one .tpk)', DrivePacks),
};
