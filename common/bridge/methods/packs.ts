import { z } from 'zod';
import { defineEvent, defineMethod } from '../define';
import { teacherSessionField } from './teacher';
import { LocalizedTitle } from '../../../content-packs/format/manifest';

export const InstalledPack = z.object({
  id: z.string(),
  version: z.number().int().nonnegative(),
  title: LocalizedTitle,
  /** Publisher key id that signed the installed version. */
  publisher: z.string(),
  installedAt: z.string(),
  /** Bytes of all blobs the pack references (shared blobs counted in every pack). */
  bytes: z.number().nonnegative(),
  resourceCount: z.number().int().nonnegative(),
});
export type InstalledPack = z.infer<typeof InstalledPack>;

export const ImportResult = z.object({
  id: z.string(),
  version: z.number().int().nonnegative(),
  /** Version installed before this import, null for a first install. */
  previousVersion: z.number().int().nonnegative().nullable(),
  /** True when exactly this version was already installed and nothing was copied. */
  alreadyInstalled: z.boolean(),
  blobsCopied: z.number().int().nonnegative(),
  blobsSkipped: z.number().int().nonnegative(),
  bytesCopied: z.number().nonnegative(),
  bytesSkipped: z.number().nonnegative(),
  /** Bytes of blobs no installed pack references any more, deleted after the switch. */
  bytesFreed: z.number().nonnegative(),
  seconds: z.number().nonnegative(),
});
export type ImportResult = z.infer<typeof ImportResult>;

export const ImportProgress = z.object({
  /** The `.tpk` being imported. */
  path: z.string(),
  packId: z.string().nullable(),
  version: z.number().int().nonnegative().nullable(),
  phase: z.enum(['verifying', 'copying', 'switching', 'done']),
  bytesDone: z.number().nonnegative(),
  bytesTotal: z.number().nonnegative(),
  /** zh-CN title of the lesson (or resource) whose bytes are being copied. */
  currentTitle: z.string().nullable(),
  /** Seconds left at the current rate; null until enough is measured. */
  etaSeconds: z.number().nonnegative().nullable(),
});
export type ImportProgress = z.infer<typeof ImportProgress>;

export const ExportedPack = z.object({
  id: z.string(),
  version: z.number().int().nonnegative(),
  path: z.string(),
  bytes: z.number().nonnegative(),
});
export type ExportedPack = z.infer<typeof ExportedPack>;

export const packsMethods = {
  'packs.list': defineMethod('Installed content packs', z.object({}).strict(), z.array(InstalledPack)),
  'packs.import': defineMethod(
    'Verify and import a .tpk file (refused before copying if signature/manifest/certificate fail); one import at a time',
    z.object({ path: z.string().min(1), force: z.boolean().optional(), ...teacherSessionField }).strict(),
    ImportResult,
  ),
  'packs.cancelImport': defineMethod(
    'Cancel the running import (the library stays exactly as before)',
    z.object({}).strict(),
    z.object({ cancelled: z.boolean() }),
  ),
  'packs.remove': defineMethod(
    'Uninstall a pack and free the blobs only it used',
    z.object({ id: z.string().min(1), ...teacherSessionField }).strict(),
    z.object({ id: z.string(), version: z.number().int().nonnegative(), bytesFreed: z.number().nonnegative() }),
  ),
  'packs.export': defineMethod(
    'Write installed packs as verified .tpk files into a folder (e.g. a USB stick)',
    z.object({ ids: z.array(z.string().min(1)).min(1), toDir: z.string().min(1), ...teacherSessionField }).strict(),
    z.object({ files: z.array(ExportedPack), freeBytesBefore: z.number().nonnegative().nullable() }),
  ),
};

export const packsEvents = {
  'packs.importProgress': defineEvent('Progress of the running import (about 4 per second)', ImportProgress),
  'packs.changed': defineEvent('The set of installed packs changed (import, update, remove)', z.object({ packs: z.array(InstalledPack) })),
};
