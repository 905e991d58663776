import { z } from 'zod';
import { defineEvent, defineMethod } from '../define';

export const RemovableDrive = z.object({
  /** Stable id for the session: the mount point (Linux) or drive letter (Windows). */
  id: z.string(),
  mountPoint: z.string(),
  label: z.string().nullable(),
  totalBytes: z.number().nonnegative().nullable(),
  freeBytes: z.number().nonnegative().nullable(),
});
export type RemovableDrive = z.infer<typeof RemovableDrive>;

export const drivesMethods = {
  'drives.list': defineMethod('Removable drives (USB sticks) currently mounted', z.object({}).strict(), z.array(RemovableDrive)),
};

export const drivesEvents = {
  'drives.changed': defineEvent('The set of mounted removable drives changed', z.object({ drives: z.array(RemovableDrive) })),
};
