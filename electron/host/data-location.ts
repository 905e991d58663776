import { createHash } from 'crypto';
import { promises as fs, readFileSync } from 'fs';
import { homedir } from 'os';
import * as path from 'path';
import { TeachPointError } from '../../common/errors/errors';
import { defaultDataDir } from '../../content-packs/device/data-dir';

/**
 * Where the data directory is (content store, packs, settings, the Chromium profile with IndexedDB —
 * every learner record). Small C: drives are common on classroom PCs, so it can live elsewhere:
 *   1. `--data-dir=<dir>` on the command line (a shortcut can carry it);
 *   2. `TEACHPOINT_DATA` in the environment;
 *   3. the classic portable build: `<folder of the portable .exe>/TeachPoint-data` (electron-builder
 *      sets PORTABLE_EXECUTABLE_DIR), so a USB-stick copy keeps its data next to itself;
 *   4. the setting `data-location.json` in the default directory, written by a move;
 *   5. the default (%APPDATA%\TeachPoint, ~/.config/TeachPoint).
 * Node 16, no Electron: electron/main calls this before Chromium starts.
 */
export const DATA_DIR_FLAG = '--data-dir';
export const MOVE_DATA_FLAG = '--move-data-to';
export const LOCATION_FILE = 'data-location.json';
export const PORTABLE_DATA_FOLDER = 'TeachPoint-data';

export type DataDirSource = 'flag' | 'env' | 'portable' | 'setting' | 'default';

export interface DataDirChoice {
  dataDir: string;
  source: DataDirSource;
  /** Where the setting lives (the default data directory). */
  defaultDir: string;
}

/** `--name=value` (one argument, so a path with spaces survives a Windows shortcut). */
export function readFlag(argv: readonly string[], name: string): string | null {
  const prefix = `${name}=`;
  const hit = argv.find((a) => a.startsWith(prefix));
  const value = hit?.slice(prefix.length).trim();
  return value ? value : null;
}

export function readDataLocationSync(defaultDir: string): string | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path.join(defaultDir, LOCATION_FILE), 'utf8'));
    const dir = parsed && typeof parsed === 'object' ? (parsed as { dataDir?: unknown }).dataDir : null;
    return typeof dir === 'string' && path.isAbsolute(dir) ? dir : null;
  } catch {
    return null;
  }
}

export function resolveDataDir(
  options: { argv?: readonly string[]; env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform; home?: string } = {},
): DataDirChoice {
  const { argv = process.argv, env = process.env, platform = process.platform, home = homedir() } = options;
  const defaultDir = path.resolve(defaultDataDir({ ...env, TEACHPOINT_DATA: '' }, platform, home));
  const flag = readFlag(argv, DATA_DIR_FLAG);
  if (flag) return { dataDir: path.resolve(flag), source: 'flag', defaultDir };
  if (env.TEACHPOINT_DATA) return { dataDir: path.resolve(env.TEACHPOINT_DATA), source: 'env', defaultDir };
  if (env.PORTABLE_EXECUTABLE_DIR) return { dataDir: path.resolve(env.PORTABLE_EXECUTABLE_DIR, PORTABLE_DATA_FOLDER), source: 'portable', defaultDir };
  const setting = readDataLocationSync(defaultDir);
  if (setting) return { dataDir: path.resolve(setting), source: 'setting', defaultDir };
  return { dataDir: defaultDir, source: 'default', defaultDir };
}

/** Temp file + fsync + rename: a power cut leaves the old setting or the new one. */
export async function writeDataLocation(defaultDir: string, dataDir: string | null): Promise<void> {
  await fs.mkdir(defaultDir, { recursive: true });
  const target = path.join(defaultDir, LOCATION_FILE);
  if (dataDir === null || path.resolve(dataDir) === path.resolve(defaultDir)) {
    await fs.rm(target, { force: true });
    return;
  }
  const temp = `${target}.${process.pid}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify({ dataDir: path.resolve(dataDir) }, null, 2));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, target);
}

function moveError(code: string, zh: string, en: string, details?: Record<string, unknown>): TeachPointError {
  return new TeachPointError(code, { zh, en }, details);
}

const inside = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

async function listFiles(root: string, skip: (rel: string) => boolean): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const entry of await fs.readdir(path.join(root, rel), { withFileTypes: true })) {
      const child = rel ? path.join(rel, entry.name) : entry.name;
      if (skip(child)) continue;
      if (entry.isDirectory()) await walk(child);
      else if (entry.isFile()) out.push(child);
    }
  };
  await walk('');
  return out;
}

async function sha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  const handle = await fs.open(file, 'r');
  try {
    const buf = Buffer.allocUnsafe(1024 * 1024);
    for (;;) {
      const { bytesRead } = await handle.read(buf, 0, buf.length, null);
      if (bytesRead === 0) break;
      hash.update(buf.subarray(0, bytesRead));
    }
  } finally {
    await handle.close();
  }
  return hash.digest('hex');
}

export interface MoveOptions {
  /** The default data directory: holds the setting, and is never deleted itself. */
  defaultDir: string;
  /** Folders the data must not go into (the install directory: an uninstall would delete it). */
  forbiddenRoots?: readonly string[];
  /** For fault tests: the copy of one file. */
  copyFile?: (from: string, to: string) => Promise<void>;
  onProgress?: (done: number, total: number) => void;
}

export interface MoveResult {
  files: number;
  bytes: number;
  to: string;
}

/**
 * Moves the whole data directory — content store, packs index, settings and the Chromium profile
 * (IndexedDB) — to `to`, losing nothing: every file is copied, flushed and compared by sha256 with
 * its source BEFORE the setting points at the new place; only then is the old copy removed. Any
 * failure before that removes the partial copy and leaves the old directory and setting as they
 * were. Must run while nothing has the profile open (electron/main runs it before Chromium starts,
 * holding the single-instance lock).
 */
export async function moveDataDir(from: string, to: string, options: MoveOptions): Promise<MoveResult> {
  const src = path.resolve(from);
  const dst = path.resolve(to);
  if (inside(dst, src) || inside(src, dst)) {
    throw moveError('data.move-nested', '新位置不能在原数据文件夹之内（或反之）。请选择另一个文件夹，例如 D:\\TeachPoint。', 'The new location cannot be inside the current data folder (or contain it). Choose another folder, e.g. D:\\TeachPoint.', { from: src, to: dst });
  }
  for (const root of options.forbiddenRoots ?? []) {
    if (inside(dst, path.resolve(root))) {
      throw moveError('data.move-into-install-dir', '不能把数据放在程序安装文件夹里：卸载时会被删除。请选择另一个文件夹。', 'Data cannot go into the program folder: uninstalling would delete it. Choose another folder.', { to: dst });
    }
  }
  const existing = await fs.readdir(dst).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? [] : Promise.reject(err)));
  if (existing.length > 0) {
    throw moveError('data.move-target-not-empty', '目标文件夹不是空的。请选择一个空文件夹或新文件夹名。', 'The target folder is not empty. Choose an empty folder or a new folder name.', { to: dst });
  }
  const isSetting = (rel: string) => path.resolve(src) === path.resolve(options.defaultDir) && rel === LOCATION_FILE;
  const files = await listFiles(src, isSetting);
  const copy = options.copyFile ?? ((a: string, b: string) => fs.copyFile(a, b));
  let bytes = 0;
  try {
    await fs.mkdir(dst, { recursive: true });
    for (const [i, rel] of files.entries()) {
      const a = path.join(src, rel);
      const b = path.join(dst, rel);
      await fs.mkdir(path.dirname(b), { recursive: true });
      await copy(a, b);
      const handle = await fs.open(b, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      const [ha, hb] = await Promise.all([sha256(a), sha256(b)]);
      if (ha !== hb) throw new Error(`copy of ${rel} differs from its source`);
      bytes += (await fs.stat(b)).size;
      options.onProgress?.(i + 1, files.length);
    }
  } catch (err) {
    await fs.rm(dst, { recursive: true, force: true }).catch(() => undefined);
    if (err instanceof TeachPointError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOSPC') {
      throw moveError('data.move-disk-full', '目标磁盘空间不足，数据没有移动，仍在原处。请换一个空间更大的磁盘。', 'The target disk is full. Nothing was moved; the data is still where it was. Choose a disk with more free space.', { to: dst });
    }
    throw moveError('data.move-failed', `移动失败，数据没有移动，仍在原处：${String(err)}`, `The move failed. Nothing was moved; the data is still where it was: ${String(err)}`, { to: dst });
  }
  // The copy is complete and verified: point the setting at it, then remove the old copy.
  await writeDataLocation(options.defaultDir, dst);
  for (const entry of await fs.readdir(src)) {
    if (isSetting(entry)) continue;
    await fs.rm(path.join(src, entry), { recursive: true, force: true });
  }
  if (src !== path.resolve(options.defaultDir)) await fs.rmdir(src).catch(() => undefined);
  return { files: files.length, bytes, to: dst };
}
