import { z } from 'zod';
import { defineMethod } from '../define';

export const InstalledPack = z.object({
  id: z.string(),
  version: z.number().int().nonnegative(),
  title: z.object({ 'zh-CN': z.string() }).catchall(z.string()),
  publisher: z.string(),
  installedAt: z.string(),
  bytes: z.number().nonnegative(),
  resourceCount: z.number().int().nonnegative(),
});
export type InstalledPack = z.infer<typeof InstalledPack>;

export const packsMethods = {
  'packs.list': defineMethod('Installed content packs', z.object({}).strict(), z.array(InstalledPack)),
};
