import * as fs from 'node:fs';
import { basename, join } from 'node:path';
import type { FoundPack } from '../../common/bridge/methods/drives';
import { parseTopLevelMember, jsonNestingDepth } from '../format/json-scan';
import { LocalizedTitle, MAX_JSON_DEPTH } from '../format/manifest';
import { openPack } from '../format/pack-reader';
import { fileSource } from '../node/file-source';
import { nodeInflateRaw } from '../node/verify';

/** `.tpk` files at a stick's root and in its `TeachPoint/` folder (any letter case), sorted by name. */
export function findPackFiles(root: string): Promise<string[]> {
  return findStickFiles(root, /\.tpk$/i);
}

/** Files whose name matches `pattern` at a stick's root and in its `TeachPoint/` folder (any letter case), sorted by name. */
export async function findStickFiles(root: string, pattern: RegExp): Promise<string[]> {
  const out: string[] = [];
  const list = async (dir: string): Promise<void> => {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isFile() && pattern.test(e.name)) out.push(join(dir, e.name));
  };
  await list(root);
  try {
    for (const e of await fs.promises.readdir(root, { withFileTypes: true })) {
      if (e.isDirectory() && e.name.toLowerCase() === 'teachpoint') await list(join(root, e.name));
    }
  } catch {
    // unreadable root: nothing found
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface PackSummary {
  path: string;
  fileName: string;
  bytes: number;
  id: string | null;
  version: number | null;
  title: FoundPack['title'];
  error: string | null;
}

/**
 * Read a pack's id, version and title from its manifest only (central directory + one entry; no
 * blob bytes). For display: the importer verifies signature and chain before trusting any of it.
 *
 * Bounded work per file: a manifest over MAX_MANIFEST_BYTES is refused from the central directory
 * without being read, one nested deeper than MAX_JSON_DEPTH after one pass over its bytes, and
 * otherwise only the three top-level members shown are parsed — never the whole manifest (a
 * hostile one can cost gigabytes as objects).
 */
export async function readPackSummary(path: string): Promise<PackSummary> {
  const base = { path, fileName: basename(path), bytes: 0, id: null, version: null, title: null };
  let source;
  try {
    source = await fileSource(path);
  } catch (err) {
    return { ...base, error: (err as NodeJS.ErrnoException).code ?? 'unreadable' };
  }
  try {
    // Lazy: only manifest.json's local header is read, not one per blob (hundreds of reads on a stick).
    const pack = await openPack(source, { inflateRaw: nodeInflateRaw, localHeaders: 'lazy', manifest: 'after-signature' });
    const bytes = pack.manifestBytes;
    const fail = (code: string): PackSummary => ({ ...base, bytes: source!.size, error: code });
    if (!bytes) return fail(pack.problems[0]?.code ?? 'pack.manifest-missing');
    if (jsonNestingDepth(bytes, MAX_JSON_DEPTH) > MAX_JSON_DEPTH) return fail('pack.manifest-too-deep');
    const id = parseTopLevelMember(bytes, 'id', 1024);
    const version = parseTopLevelMember(bytes, 'version', 64);
    const title = LocalizedTitle.safeParse(parseTopLevelMember(bytes, 'title', 64 * 1024));
    if (typeof id !== 'string' || typeof version !== 'number' || !Number.isInteger(version) || !title.success) return fail('pack.schema-error');
    return { ...base, bytes: source.size, id, version, title: title.data, error: null };
  } catch (err) {
    return { ...base, bytes: source.size, error: (err as { code?: string }).code ?? 'pack.zip-corrupt' };
  } finally {
    await source.close().catch(() => undefined);
  }
}

/** Compare found packs with what is installed (id → version). */
export function classify(summary: PackSummary, installed: ReadonlyMap<string, number>): FoundPack {
  const installedVersion = summary.id !== null ? (installed.get(summary.id) ?? null) : null;
  let status: FoundPack['status'];
  if (summary.error !== null || summary.id === null || summary.version === null) status = 'unreadable';
  else if (installedVersion === null) status = 'new';
  else if (summary.version > installedVersion) status = 'update';
  else if (summary.version === installedVersion) status = 'installed';
  else status = 'older';
  return { ...summary, installedVersion, status };
}

export async function scanForPacks(root: string, installed: ReadonlyMap<string, number>): Promise<FoundPack[]> {
  const files = await findPackFiles(root);
  const out: FoundPack[] = [];
  for (const f of files) out.push(classify(await readPackSummary(f), installed));
  return out;
}
