import { z } from 'zod';
import { defineMethod } from '../define';

export const StorageUsage = z.object({
  dataDir: z.string(),
  /** Bytes of the disk holding the data dir. */
  totalBytes: z.number().nonnegative(),
  freeBytes: z.number().nonnegative(),
  /** Bytes TeachPoint itself uses under the data dir (content store, packs, logs). */
  usedByAppBytes: z.number().nonnegative(),
});
export type StorageUsage = z.infer<typeof StorageUsage>;

export const storageMethods = {
  'storage.usage': defineMethod('Free/used bytes of the disk that holds the data directory', z.object({}).strict(), StorageUsage),
};
