/**
 * 我的资料 — the teacher's own files (issue 4 item 7). A local video, audio, PDF or image goes
 * through the same media pipeline as `tpk build` (a video Chromium cannot play is converted to
 * H.264/AAC MP4 with +faststart, a thumbnail is made), then into the same content store as pack
 * blobs (copy + hash, verify-then-move), and is recorded in `materials.json` (atomic rename).
 * GC safety: PackIndex.referencedBlobs() includes every material blob (materials-index.ts).
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { basename, extname, join } from 'node:path';
import type { Material, MaterialAttachment, MaterialKind, MaterialProgress } from '../../common/bridge/methods/materials';
import { TeachPointError } from '../../common/errors/errors';
import { uuidv7 } from '../../common/ids/uuidv7';
import { SHA256_HEX, type MediaBlob, type MediaResolver } from '../../common/media/media';
import { hashFile, PROFILES, prepareMedia, probeMedia, type MediaProfile, type ProbeResult } from '../media';
import { diskFree as realDiskFree, type DiskSpace } from '../store/disk-space';
import type { StoreFs } from '../store/fs-seam';
import { pidAlive } from '../store/lock';
import { MaterialsIndex } from '../store/materials-index';
import type { PackLibrary } from './pack-library';
import { PackContentReader } from './pack-content';

/** Largest file a teacher may add (also the HTTP upload limit). */
export const MAX_MATERIAL_BYTES = 4 * 1024 ** 3;
/** Kept free after adding a material (the classroom PC must keep working). */
export const MATERIAL_RESERVE_BYTES = 200 * 1024 ** 2;

/** Extension → what the teacher meant; the probe decides in the end (an .mp4 holding only audio is audio). */
const EXTENSIONS: Record<string, MaterialKind> = {
  ...Object.fromEntries(['mp4', 'm4v', 'mov', 'avi', 'wmv', 'asf', 'flv', 'f4v', 'rmvb', 'rm', 'mkv', 'mpg', 'mpeg', 'vob', 'ts', 'mts', 'm2ts', 'webm', '3gp', 'dat'].map((e) => [e, 'video' as const])),
  ...Object.fromEntries(['mp3', 'm4a', 'aac', 'wav', 'ogg', 'oga', 'opus', 'wma', 'flac', 'amr', 'ape'].map((e) => [e, 'audio' as const])),
  ...Object.fromEntries(['jpg', 'jpeg', 'png', 'gif', 'webp', 'bmp', 'tif', 'tiff'].map((e) => [e, 'image' as const])),
  pdf: 'pdf',
};
export const MATERIAL_EXTENSIONS: Readonly<Record<string, MaterialKind>> = EXTENSIONS;

export type MaterialErrorCode = 'materials.not-found' | 'materials.unsupported-type' | 'materials.unreadable' | 'materials.disk-full' | 'materials.too-large' | 'materials.unknown' | 'materials.no-lesson';

export function materialError(code: MaterialErrorCode, details: Record<string, unknown> = {}): TeachPointError {
  const name = typeof details.name === 'string' ? details.name : '';
  const text: Record<MaterialErrorCode, { zh: string; en: string }> = {
    'materials.not-found': { zh: `找不到文件“${name}”。请确认文件还在（U 盘没有拔出）后重试。`, en: `File "${name}" was not found. Check it is still there (the USB stick is plugged in) and try again.` },
    'materials.unsupported-type': {
      zh: `不支持这种文件：“${name}”。可以添加视频（mp4、avi、wmv 等）、音频（mp3、wav 等）、PDF 和图片（jpg、png 等）。`,
      en: `This kind of file is not supported: "${name}". You can add videos (mp4, avi, wmv, …), audio (mp3, wav, …), PDFs and pictures (jpg, png, …).`,
    },
    'materials.unreadable': {
      zh: `无法读取“${name}”：文件可能已损坏或不完整。请先在电脑上用播放器打开检查，或换一个文件。我的资料没有改变。`,
      en: `"${name}" could not be read: the file may be damaged or incomplete. Check it in a player first, or pick another file. My materials are unchanged.`,
    },
    'materials.disk-full': {
      zh: '磁盘空间不足，无法添加这个文件，我的资料没有改变。请删除不用的资源包或资料后重试。',
      en: 'Not enough disk space to add this file; My materials are unchanged. Remove unused packs or materials and try again.',
    },
    'materials.too-large': {
      zh: `文件太大（最大 4 GB）：“${name}”。请先把视频压缩或剪短后再添加。`,
      en: `The file is too large (4 GB at most): "${name}". Compress or shorten the video first.`,
    },
    'materials.unknown': { zh: '找不到这份资料，它可能已被删除。请刷新“我的资料”。', en: 'This material no longer exists; it may have been removed. Refresh My materials.' },
    'materials.no-lesson': { zh: '找不到这节课。请回到资源库重新打开课程后再试。', en: 'This lesson was not found. Open it again from the library and retry.' },
  };
  return new TeachPointError(code, text[code], details);
}

export interface MaterialLibraryOptions {
  /** Media profile for conversions (default 720p: teachers' own videos are often projected). */
  profile?: MediaProfile;
  diskFree?: (path: string) => Promise<DiskSpace>;
  reserveBytes?: number;
  /** Seam for injected faults in tests (index writes). */
  fs?: StoreFs;
  /** Test hook: after the blobs are in the store, before the index write. */
  beforeIndexWrite?: () => void | Promise<void>;
}

export interface AddMaterialOptions {
  title?: string;
  /** Name shown and used to guess the kind; default: the file's own name (uploads pass the browser's). */
  originalName?: string;
  signal?: AbortSignal;
  onProgress?: (p: MaterialProgress) => void;
}

type Listener = (materials: Material[]) => void;

/**
 * The device's materials: shares the pack library's content store, data-dir lock and queue (store
 * writes and index writes run under `library.exclusive`, so no gc or pack switch interleaves).
 */
export class MaterialLibrary {
  readonly index: MaterialsIndex;
  readonly media: MediaResolver;
  private readonly listeners = new Set<Listener>();
  private readonly content: PackContentReader;

  constructor(readonly library: PackLibrary, private readonly options: MaterialLibraryOptions = {}) {
    this.index = new MaterialsIndex(library.dataDir, options.fs);
    this.media = new MaterialsMediaResolver(this.index, (sha) => library.store.blobPath(sha));
    this.content = new PackContentReader(library.dataDir, library.index);
  }

  onChanged(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async list(): Promise<Material[]> {
    return (await this.index.read()).materials;
  }

  /** Add a file; the original is only read. Everything before the index write is invisible. */
  async add(file: string, options: AddMaterialOptions = {}): Promise<Material> {
    const name = options.originalName ?? basename(file);
    const progress = (phase: MaterialProgress['phase'], fraction: number | null) => options.onProgress?.({ name, phase, fraction });
    progress('checking', null);
    let st: fs.Stats;
    try {
      st = await fs.promises.stat(file);
    } catch {
      throw materialError('materials.not-found', { name });
    }
    if (!st.isFile()) throw materialError('materials.not-found', { name });
    const ext = extname(name).slice(1).toLowerCase();
    const guessed = EXTENSIONS[ext];
    if (!guessed) throw materialError('materials.unsupported-type', { name, ext });
    if (st.size > MAX_MATERIAL_BYTES) throw materialError('materials.too-large', { name, size: st.size });
    if (st.size === 0) throw materialError('materials.unreadable', { name, reason: 'empty' });

    await cleanStaleWork(this.library.dataDir);
    // This add's own scratch folder (conversion output, thumbnail), removed whatever happens.
    const workDir = join(workDirOf(this.library.dataDir), `add-${randomBytes(6).toString('hex')}`);
    await fs.promises.mkdir(workDir, { recursive: true });
    try {
      let kind: MaterialKind;
      let output = file;
      let mime: string;
      let durationSec: number | null = null;
      let thumbnail: string | null = null;
      let converted = false;
      if (guessed === 'pdf') {
        if (!(await looksLikePdf(file))) throw materialError('materials.unreadable', { name, reason: 'not a PDF' });
        await this.checkSpace(st.size, name);
        kind = 'pdf';
        mime = 'application/pdf';
      } else {
        let probe: ProbeResult;
        try {
          probe = await probeMedia(file, options.signal ? { signal: options.signal } : {});
        } catch (err) {
          if ((err as Error).name === 'AbortError') throw err;
          throw materialError('materials.unreadable', { name, cause: err instanceof TeachPointError ? err.code : String(err) });
        }
        // Converting writes a new file (at most about the input's size at our profile) before storing it.
        await this.checkSpace(st.size * 2, name);
        let prepared;
        try {
          prepared = await prepareMedia(file, {
            profile: this.options.profile ?? PROFILES['720p'],
            workDir,
            cache: null,
            sourceProbe: probe,
            thumbnail: true,
            ...(options.signal ? { signal: options.signal } : {}),
            onProgress: (p) => progress('converting', Math.max(0, Math.min(1, p.fraction ?? 0))),
          });
        } catch (err) {
          if ((err as Error).name === 'AbortError') throw err;
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') throw materialError('materials.disk-full', { name });
          throw materialError('materials.unreadable', { name, cause: err instanceof TeachPointError ? err.code : String(err) });
        }
        kind = prepared.plan.kind;
        output = prepared.output;
        mime = prepared.plan.mime;
        converted = prepared.plan.action !== 'copy';
        durationSec = prepared.probe.duration ?? null;
        thumbnail = prepared.thumbnail ?? null;
      }

      progress('storing', null);
      const main = await hashFile(output);
      const thumb = thumbnail ? await hashFile(thumbnail) : null;
      const material: Material = {
        id: uuidv7(),
        title: options.title?.trim() || stripExtension(name),
        kind,
        blob: { sha256: main.sha256, size: main.stamp.size, mime },
        thumbnail: thumb ? { sha256: thumb.sha256, size: thumb.stamp.size, mime: 'image/jpeg' } : null,
        durationSec,
        originalName: name,
        converted,
        addedAt: new Date().toISOString(),
        attachedTo: [],
      };
      await this.checkSpace(main.stamp.size + (thumb?.stamp.size ?? 0), name);
      await this.library.exclusive(async () => {
        await this.putFile(output, main.sha256, main.stamp.size);
        if (thumbnail && thumb) await this.putFile(thumbnail, thumb.sha256, thumb.stamp.size);
        await this.options.beforeIndexWrite?.();
        const current = await this.index.read();
        await this.index.write([material, ...current.materials]);
      });
      progress('done', 1);
      await this.emitChanged();
      return material;
    } finally {
      await fs.promises.rm(workDir, { recursive: true, force: true }).catch(() => undefined);
    }
  }

  async attach(id: string, packId: string, lessonId: string): Promise<Material> {
    try {
      await this.content.lesson(packId, lessonId);
    } catch (err) {
      if (err instanceof TeachPointError && err.code === 'packs.not-installed') throw err;
      throw materialError('materials.no-lesson', { packId, lessonId });
    }
    return this.update(id, (m) => (hasAttachment(m.attachedTo, packId, lessonId) ? m : { ...m, attachedTo: [...m.attachedTo, { packId, lessonId }] }));
  }

  async detach(id: string, packId: string, lessonId: string): Promise<Material> {
    return this.update(id, (m) => ({ ...m, attachedTo: m.attachedTo.filter((a) => !(a.packId === packId && a.lessonId === lessonId)) }));
  }

  /** Drop the record (one atomic write), then free its bytes unless a pack or another material uses them. */
  async remove(id: string): Promise<{ id: string; bytesFreed: number }> {
    const result = await this.library.exclusive(async () => {
      const current = await this.index.read();
      const m = current.materials.find((x) => x.id === id);
      if (!m) throw materialError('materials.unknown', { id });
      await this.index.write(current.materials.filter((x) => x.id !== id));
      const candidates = [m.blob.sha256, ...(m.thumbnail ? [m.thumbnail.sha256] : [])];
      const { bytesFreed } = await this.library.store.deleteUnreferenced(candidates, await this.library.index.referencedBlobs());
      return { id, bytesFreed };
    });
    await this.emitChanged();
    return result;
  }

  private async update(id: string, change: (m: Material) => Material): Promise<Material> {
    const updated = await this.library.exclusive(async () => {
      const current = await this.index.read();
      const i = current.materials.findIndex((x) => x.id === id);
      if (i < 0) throw materialError('materials.unknown', { id });
      const next = change(current.materials[i]!);
      if (next !== current.materials[i]) await this.index.write(current.materials.map((x, j) => (j === i ? next : x)));
      return next;
    });
    await this.emitChanged();
    return updated;
  }

  private async putFile(path: string, sha256: string, size: number): Promise<void> {
    const fd = await fs.promises.open(path, 'r');
    try {
      await this.library.store.putBlobFromFileRange(fd.fd, 0, size, sha256);
    } finally {
      await fd.close();
    }
  }

  /**
   * Throws `materials.disk-full` unless an upload of `bytes` fits: the received temp file and its
   * copy in the store, with the reserve kept free. The HTTP upload route asks before it reads a byte.
   */
  checkUploadSpace(bytes: number, name: string): Promise<void> {
    return this.checkSpace(bytes * 2, name);
  }

  private async checkSpace(bytes: number, name: string): Promise<void> {
    let space: DiskSpace;
    try {
      space = await (this.options.diskFree ?? realDiskFree)(this.library.dataDir);
    } catch {
      return; // Unknown free space: the store's own ENOSPC handling still stops cleanly.
    }
    const reserve = this.options.reserveBytes ?? MATERIAL_RESERVE_BYTES;
    if (space.freeBytes < bytes + reserve) throw materialError('materials.disk-full', { name, needed: bytes + reserve, free: space.freeBytes });
  }

  private async emitChanged(): Promise<void> {
    if (this.listeners.size === 0) return;
    const list = await this.list();
    for (const l of this.listeners) l(list);
  }
}

function hasAttachment(list: readonly MaterialAttachment[], packId: string, lessonId: string): boolean {
  return list.some((a) => a.packId === packId && a.lessonId === lessonId);
}

function stripExtension(name: string): string {
  const base = name.replace(/\.[^.]+$/, '').trim();
  return base || name;
}

async function looksLikePdf(file: string): Promise<boolean> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const buf = Buffer.alloc(1024);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).includes('%PDF-');
  } finally {
    await fh.close();
  }
}

/** `/media/<sha256>` for material blobs (by hash, through materials.json; never a request path). */
export class MaterialsMediaResolver implements MediaResolver {
  private generation = -1;
  private map = new Map<string, { mime: string }>();

  constructor(private readonly index: MaterialsIndex, private readonly blobPath: (sha256: string) => string) {}

  async resolve(sha256: string): Promise<MediaBlob | null> {
    if (typeof sha256 !== 'string' || !SHA256_HEX.test(sha256)) return null;
    const idx = await this.index.read();
    if (idx.generation !== this.generation) {
      const map = new Map<string, { mime: string }>();
      for (const m of idx.materials) {
        map.set(m.blob.sha256, { mime: m.blob.mime });
        if (m.thumbnail) map.set(m.thumbnail.sha256, { mime: m.thumbnail.mime });
      }
      this.map = map;
      this.generation = idx.generation;
    }
    const ref = this.map.get(sha256);
    if (!ref) return null;
    const path = this.blobPath(sha256);
    try {
      const st = await fs.promises.stat(path);
      return st.isFile() ? { path, size: st.size, mime: ref.mime, sha256 } : null;
    } catch {
      return null;
    }
  }
}

/**
 * Scratch space of this process for conversions and uploads: `<data>/work/<pid>/` (not the store's
 * `tmp/`, whose stale-temp sweep would take it). Folders of dead processes are swept by the next add.
 */
export function workDirOf(dataDir: string): string {
  return join(dataDir, 'work', String(process.pid));
}

/** A unique temp file name for an upload (kept by its extension so the kind can be guessed). */
export function uploadTempPath(dataDir: string, name: string): string {
  const ext = extname(name).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 12);
  return join(workDirOf(dataDir), `upload-${Date.now()}-${randomBytes(6).toString('hex')}${ext}`);
}

async function cleanStaleWork(dataDir: string): Promise<void> {
  const root = join(dataDir, 'work');
  let names: string[];
  try {
    names = await fs.promises.readdir(root);
  } catch {
    return;
  }
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid || pidAlive(pid)) continue;
    await fs.promises.rm(join(root, name), { recursive: true, force: true }).catch(() => undefined);
  }
}
