/**
 * Writing a progress bundle to a stick (docs/bundles.md §2). The renderer hands over PushRequest
 * batches a few at a time (bridge requests are ≤ 1 MiB); the host appends each line to a temp file
 * on the stick while feeding the HMAC, then writes the trailer, fsyncs, renames to `*.tpbundle` and
 * fsyncs the folder. A stick pulled out at any point leaves at most a `*.tmp` file, which nothing
 * imports (the cloud also refuses a file without a valid trailer).
 *
 * The outbox is NOT cleared: the device cannot know the file reached the county. The host only
 * remembers which outbox rows each bundle carried (`<data>/sync/exported-bundles.json`), so an
 * inbound bundle that lists this bundle as ingested lets the renderer clear them (bundles/inbound.ts).
 */
import { randomBytes } from 'crypto';
import { promises as fsp } from 'fs';
import * as path from 'path';
import { TeachPointError } from '../../../common/errors/errors';
import { uuidv7 } from '../../../common/ids/uuidv7';
import { fsyncDir, nodeStoreFs, writeAll, writeFileAtomic, type StoreFs } from '../../../content-packs/store/fs-seam';
import {
  PROGRESS_BUNDLE_FORMAT,
  ProgressBundleSealer,
  progressBundleBatchLine,
  progressBundleFileName,
  progressBundleHeaderLine,
  progressBundleKey,
} from '../../../sync/protocol/bundle';
import { PushRequestSchema } from '../../../sync/protocol/push';
import type { WrittenProgressBundle } from '../../../common/bridge/methods/bundles';
import { readSyncCredentials } from '../sync/credentials';

/** Where exported bundles' outbox ids are remembered until an inbound bundle acknowledges them. */
export function exportedBundlesPath(dataDir: string): string {
  return path.join(dataDir, 'sync', 'exported-bundles.json');
}

/** How long the host remembers which outbox rows an exported bundle carried (for acks by inbound bundles). */
export const EXPORT_LOG_DAYS = 180;

export interface ExportedBundleLog {
  [bundleId: string]: { createdAt: string; outboxIds: string[] };
}

export async function readExportedBundles(dataDir: string): Promise<ExportedBundleLog> {
  try {
    return JSON.parse(await fsp.readFile(exportedBundlesPath(dataDir), 'utf8')) as ExportedBundleLog;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
}

export const notEnrolled = (): TeachPointError =>
  new TeachPointError('bundles.not-enrolled', {
    zh: '这台电脑还没有登记到县里的云端，不能导出或导入同步包。请先用县电教馆给的登记文件或登记码登记。',
    en: 'This computer is not enrolled with the county cloud, so it cannot export or import sync bundles. Enroll first with the enrollment file or code from county staff.',
  });

const writeFailed = (dir: string, err: unknown): TeachPointError =>
  new TeachPointError(
    (err as NodeJS.ErrnoException).code === 'ENOSPC' ? 'bundles.stick-full' : 'bundles.write-failed',
    (err as NodeJS.ErrnoException).code === 'ENOSPC'
      ? { zh: 'U盘空间不够，进度包没有写完。请清理U盘后重新导出。', en: 'The USB stick is full; the progress bundle was not written. Free some space and export again.' }
      : { zh: '写入U盘失败（可能已被拔出）。进度包没有写完，请插好U盘后重新导出。', en: 'Writing to the USB stick failed (it may have been removed). The bundle was not written; reinsert the stick and export again.' },
    { dir, errno: (err as NodeJS.ErrnoException).code ?? null },
  );

const unknownExport = (): TeachPointError =>
  new TeachPointError('bundles.export-not-found', {
    zh: '找不到正在导出的进度包（可能已完成、已取消或程序重启过）。请重新导出。',
    en: 'No such progress export (it finished, was cancelled, or the app restarted). Export again.',
  });

interface OpenExport {
  dir: string;
  finalPath: string;
  tempPath: string;
  fd: number;
  position: number;
  sealer: ProgressBundleSealer;
  bundleId: string;
  expectedBatches: number;
  batches: number;
  items: number;
}

/** One instance per host: the exports in progress, by id. */
export class ProgressExporter {
  private readonly open = new Map<string, OpenExport>();

  constructor(
    private readonly dataDir: string,
    private readonly options: { appVersion?: string; fs?: StoreFs; now?: () => Date } = {},
  ) {}

  private get fs(): StoreFs {
    return this.options.fs ?? nodeStoreFs;
  }

  async begin(toDir: string, batches: number, items: number): Promise<{ exportId: string; fileName: string }> {
    const credentials = await readSyncCredentials(this.dataDir);
    if (!credentials) throw notEnrolled();
    const now = this.options.now?.() ?? new Date();
    // Next to the packs a county stick carries: the TeachPoint/ folder.
    const dir = path.join(path.resolve(toDir), 'TeachPoint');
    const fileName = progressBundleFileName(credentials.school.name, now);
    const finalPath = path.join(dir, fileName);
    const tempPath = `${finalPath}.${randomBytes(4).toString('hex')}.tmp`;
    const bundleId = uuidv7();
    const sealer = new ProgressBundleSealer(progressBundleKey(credentials.token));
    let fd: number;
    let position = 0;
    try {
      await this.fs.mkdir(dir);
      fd = await this.fs.open(tempPath, 'wx', 0o644);
      const header = sealer.add(
        progressBundleHeaderLine({
          format: PROGRESS_BUNDLE_FORMAT,
          bundleId,
          deviceId: credentials.deviceId,
          school: { id: credentials.school.id, name: credentials.school.name },
          createdAt: now.toISOString(),
          ...(this.options.appVersion ? { appVersion: this.options.appVersion } : {}),
          batches,
          items,
        }),
      );
      await writeAll(this.fs, fd, Buffer.from(header), header.length, 0);
      position = header.length;
    } catch (err) {
      await this.fs.unlink(tempPath).catch(() => undefined);
      throw writeFailed(dir, err);
    }
    const exportId = randomBytes(16).toString('hex');
    this.open.set(exportId, { dir, finalPath, tempPath, fd, position, sealer, bundleId, expectedBatches: batches, batches: 0, items: 0 });
    return { exportId, fileName };
  }

  async append(exportId: string, batches: readonly unknown[]): Promise<{ written: number }> {
    const e = this.open.get(exportId);
    if (!e) throw unknownExport();
    if (e.batches + batches.length > e.expectedBatches) {
      await this.abort(exportId);
      throw new TeachPointError('bundles.bad-export', { zh: '导出的批次比开始时说的多，已取消。请重新导出。', en: 'More batches than announced; the export was cancelled. Export again.' });
    }
    const lines: Uint8Array[] = [];
    for (const batch of batches) {
      // The cloud refuses a whole bundle over one broken batch: check each here, where it can still be fixed.
      const parsed = PushRequestSchema.safeParse(batch);
      if (!parsed.success) {
        await this.abort(exportId);
        throw new TeachPointError('bundles.bad-export', { zh: '要导出的一批数据格式不对，已取消导出。请把问题报告给县电教馆。', en: 'A batch to export is malformed; the export was cancelled. Please report this to county staff.' }, { issue: parsed.error.issues[0]?.message ?? '' });
      }
      e.items += parsed.data.events.length + Object.values(parsed.data.records).reduce((n, list) => n + (list?.length ?? 0), 0);
      lines.push(e.sealer.add(progressBundleBatchLine(batch)));
    }
    const bytes = Buffer.concat(lines.map((l) => Buffer.from(l.buffer, l.byteOffset, l.byteLength)));
    try {
      await writeAll(this.fs, e.fd, bytes, bytes.length, e.position);
    } catch (err) {
      await this.abort(exportId);
      throw writeFailed(e.dir, err);
    }
    e.position += bytes.length;
    e.batches += batches.length;
    return { written: e.batches };
  }

  async finish(exportId: string, outboxIds: readonly string[]): Promise<WrittenProgressBundle> {
    const e = this.open.get(exportId);
    if (!e) throw unknownExport();
    if (e.batches !== e.expectedBatches) {
      await this.abort(exportId);
      throw new TeachPointError('bundles.bad-export', { zh: '导出的批次比开始时说的少，已取消。请重新导出。', en: 'Fewer batches than announced; the export was cancelled. Export again.' });
    }
    this.open.delete(exportId);
    const trailer = Buffer.from(e.sealer.trailer());
    try {
      await writeAll(this.fs, e.fd, trailer, trailer.length, e.position);
      await this.fs.fsync(e.fd);
      await this.fs.close(e.fd);
      await this.fs.rename(e.tempPath, e.finalPath);
      await fsyncDir(this.fs, e.dir);
    } catch (err) {
      await this.fs.close(e.fd).catch(() => undefined);
      await this.fs.unlink(e.tempPath).catch(() => undefined);
      throw writeFailed(e.dir, err);
    }
    const now = this.options.now?.() ?? new Date();
    const log = await readExportedBundles(this.dataDir);
    // Older exports are forgotten: their rows, if still waiting, travel again in every newer bundle.
    for (const [id, entry] of Object.entries(log)) if (now.getTime() - Date.parse(entry.createdAt) > EXPORT_LOG_DAYS * 86_400_000) delete log[id];
    log[e.bundleId] = { createdAt: now.toISOString(), outboxIds: [...outboxIds] };
    const logPath = exportedBundlesPath(this.dataDir);
    await fsp.mkdir(path.dirname(logPath), { recursive: true });
    await writeFileAtomic(nodeStoreFs, logPath, JSON.stringify(log), path.dirname(logPath));
    return { path: e.finalPath, fileName: path.basename(e.finalPath), bundleId: e.bundleId, bytes: e.position + trailer.length, batches: e.batches, items: e.items };
  }

  async abort(exportId: string): Promise<boolean> {
    const e = this.open.get(exportId);
    if (!e) return false;
    this.open.delete(exportId);
    await this.fs.close(e.fd).catch(() => undefined);
    await this.fs.unlink(e.tempPath).catch(() => undefined);
    return true;
  }

  async dispose(): Promise<void> {
    for (const id of [...this.open.keys()]) await this.abort(id);
  }
}
