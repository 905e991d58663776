/**
 * What the `teachpoint` commands share on top of the command toolkit (content-packs/cli/_shared.ts):
 * the data-dir and trust flags and the pack library they open.
 */
import { resolve } from 'node:path';
import type { ArgDefs, CliIO } from '../../cli/_shared';
import { defaultDataDir } from '../data-dir';
import { PackLibrary } from '../pack-library';

/** Every command takes it. */
export const dataArg = {
  data: { type: 'string', valueName: 'dir', description: { zh: '数据目录（默认：程序数据目录，或环境变量 TEACHPOINT_DATA）', en: 'Data directory (default: the app data folder, or TEACHPOINT_DATA)' } },
} as const satisfies ArgDefs;

export const trustArg = {
  trust: { type: 'string', multiple: true, valueName: 'root.pub', description: { zh: '本次额外信任的根公钥（可重复）', en: 'Extra trusted root public key for this run (repeatable)' } },
} as const satisfies ArgDefs;

export function dataDirOf(values: { data?: string }, io: CliIO): string {
  return resolve(io.cwd, values.data ?? defaultDataDir(io.env));
}

export function openLibrary(values: { data?: string; trust?: string[] }, io: CliIO): PackLibrary {
  return new PackLibrary({ dataDir: dataDirOf(values, io), trustedRootFiles: (values.trust ?? []).map((f) => resolve(io.cwd, f)) });
}
