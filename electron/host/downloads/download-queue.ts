import * as fs from 'fs';
import * as path from 'path';
import { z } from 'zod';
import { DownloadError, type DownloadKey, DownloadRequest, DownloadStateName, type DownloadState } from '../../../common/bridge/methods/downloads';
import { TeachPointError } from '../../../common/errors/errors';
import type { PackLibrary } from '../../../content-packs/device/pack-library';
import { EtaEstimator } from '../../../content-packs/import/eta';
import type { TrustInput } from '../../../content-packs/import/open-verified';
import type { DiskSpace } from '../../../content-packs/store/disk-space';
import { nodeStoreFs, writeFileAtomic } from '../../../content-packs/store/fs-seam';
import { downloadError } from './errors';
import { downloadPack, type PackDownloadResult } from './pack-download';
import { ByteRateLimiter } from './rate-limit';

/** Where the queue lives: survives restarts, so a download killed mid-way resumes on the next start. */
export function downloadQueuePath(dataDir: string): string {
  return path.join(dataDir, 'sync', 'downloads.json');
}

const QueueEntry = DownloadRequest.extend({
  state: DownloadStateName,
  bytesDone: z.number().nonnegative(),
  error: DownloadError.optional(),
});
type QueueEntry = z.infer<typeof QueueEntry>;
const QueueFile = z.object({ format: z.literal('teachpoint-downloads'), entries: z.array(QueueEntry) });

/** Installed entries kept in the list (the UI shows "installed" for a while); older ones are dropped. */
const KEEP_INSTALLED = 20;
const PROGRESS_INTERVAL_MS = 250;

export interface DownloadQueueOptions {
  library: PackLibrary;
  /** `{ cloudUrl, token }` of the enrolled device (electron/host/sync/credentials.ts), null when not enrolled. */
  credentials: () => Promise<{ cloudUrl: string; token: string } | null>;
  /** Trusted roots and revocations, read fresh for every download (loadTrust). */
  trust: () => Promise<TrustInput>;
  onProgress?: (state: DownloadState) => void;
  log?: (msg: string) => void;
  idleTimeoutMs?: number;
  reserveBytes?: number;
  diskFree?: (path: string) => Promise<DiskSpace>;
  random?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const keyOf = (k: DownloadKey): string => `${k.packId}@${k.version}`;

/**
 * The host's persisted download queue behind `downloads.*`: one download at a time, in the order
 * asked; `<data>/sync/downloads.json` is rewritten atomically on every state change, and entries
 * that were queued or running when the process died are resumed by `resume()` on the next start
 * (their partial blob files are still in the store's temp area).
 */
export class DownloadQueue {
  readonly limiter = new ByteRateLimiter();
  private entries: QueueEntry[] = [];
  private loading: Promise<void> | null = null;
  private running: { key: string; abort: AbortController; eta: EtaEstimator; lastEmit: number } | null = null;
  private pump: Promise<void> | null = null;
  private disposed = false;
  private writeChain: Promise<void> = Promise.resolve();

  constructor(private readonly o: DownloadQueueOptions) {}

  /** Load the persisted queue and continue whatever was unfinished. */
  async resume(): Promise<void> {
    await this.load();
    this.kick();
  }

  async start(request: DownloadRequest): Promise<DownloadState> {
    await this.load();
    const key = keyOf(request);
    const i = this.entries.findIndex((e) => keyOf(e) === key);
    const existing = this.entries[i];
    if (existing && existing.manifestSha256 === request.manifestSha256 && existing.state !== 'failed' && existing.state !== 'paused') return this.view(existing);
    const entry: QueueEntry = { ...request, state: 'queued', bytesDone: existing?.bytesDone ?? 0 };
    if (existing) this.entries[i] = entry;
    else this.entries.push(entry);
    await this.persist();
    const answer = this.view(entry);
    this.kick();
    return answer;
  }

  async list(): Promise<DownloadState[]> {
    await this.load();
    return this.entries.map((e) => this.view(e));
  }

  async cancel(key: DownloadKey): Promise<boolean> {
    await this.load();
    const k = keyOf(key);
    const i = this.entries.findIndex((e) => keyOf(e) === k);
    if (i < 0) return false;
    this.entries.splice(i, 1);
    if (this.running?.key === k) this.running.abort.abort();
    await this.persist();
    return true;
  }

  /** Class-hours cap for bulk content (bytes/s; null = no cap). Applies at once to a running download. */
  setBandwidth(bytesPerSecond: number | null): void {
    this.limiter.setRate(bytesPerSecond);
  }

  /** Stop the running download (it stays queued in the file and resumes on the next start). */
  async dispose(): Promise<void> {
    this.disposed = true;
    this.running?.abort.abort();
    await this.pump?.catch(() => undefined);
    await this.writeChain;
  }

  private kick(): void {
    if (this.pump || this.disposed) return;
    this.pump = this.drain().finally(() => {
      this.pump = null;
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.disposed) return;
      const next = this.entries.find((e) => e.state === 'queued' || e.state === 'downloading' || e.state === 'verifying' || e.state === 'installing');
      if (!next) return;
      await this.runOne(next);
    }
  }

  private async runOne(entry: QueueEntry): Promise<void> {
    const key = keyOf(entry);
    const abort = new AbortController();
    this.running = { key, abort, eta: new EtaEstimator(), lastEmit: 0 };
    try {
      const creds = await this.o.credentials();
      if (!creds) throw downloadError('download.not-enrolled');
      const result: PackDownloadResult = await downloadPack({
        library: this.o.library,
        cloudUrl: creds.cloudUrl,
        token: creds.token,
        release: entry,
        trust: await this.o.trust(),
        limiter: this.limiter,
        signal: abort.signal,
        ...(this.o.idleTimeoutMs ? { idleTimeoutMs: this.o.idleTimeoutMs } : {}),
        ...(this.o.reserveBytes !== undefined ? { reserveBytes: this.o.reserveBytes } : {}),
        ...(this.o.diskFree ? { diskFree: this.o.diskFree } : {}),
        ...(this.o.random ? { random: this.o.random } : {}),
        ...(this.o.sleep ? { sleep: this.o.sleep } : {}),
        onProgress: (p) => {
          // 'installed' is saved and announced below, after the queue file says so.
          if (p.state === 'installed') return;
          const changed = p.state !== entry.state;
          entry.bytesDone = p.bytesDone;
          entry.state = p.state;
          if (p.error) entry.error = p.error.toData();
          else if (p.state !== 'downloading' || changed) delete entry.error;
          this.running?.eta.update(p.bytesDone, entry.totalBytes);
          if (changed) void this.persist();
          this.emit(entry, changed);
        },
      });
      this.o.log?.(`[downloads] ${key} ${result.alreadyInstalled ? 'already installed' : `installed: ${result.blobsFetched} blobs, ${result.bytesNeeded} bytes, ${result.transfer.cuts} cuts`}`);
      entry.state = 'installed';
      entry.bytesDone = entry.totalBytes;
      delete entry.error;
    } catch (err) {
      if (abort.signal.aborted) {
        // cancelled (entry removed) or shutting down (entry stays as it is in the file: resumed next start)
        return;
      }
      const e = err instanceof TeachPointError ? err : downloadError('download.bad-response', { message: String((err as Error)?.message ?? err) });
      this.o.log?.(`[downloads] ${key} failed: ${e.code}`);
      entry.state = e.code === 'download.not-enrolled' ? 'paused' : 'failed';
      entry.error = e.toData();
    } finally {
      this.running = null;
    }
    this.trimInstalled();
    await this.persist();
    this.emit(entry, true);
  }

  private emit(entry: QueueEntry, force: boolean): void {
    if (!this.o.onProgress || !this.entries.includes(entry)) return;
    const now = Date.now();
    if (this.running && this.running.key === keyOf(entry)) {
      if (!force && now - this.running.lastEmit < PROGRESS_INTERVAL_MS) return;
      this.running.lastEmit = now;
    }
    this.o.onProgress(this.view(entry));
  }

  private view(e: QueueEntry): DownloadState {
    const live = this.running?.key === keyOf(e) ? this.running : null;
    const rate = live && e.state === 'downloading' ? live.eta.bytesPerSecond : 0;
    return {
      packId: e.packId,
      version: e.version,
      state: e.state,
      bytesDone: e.bytesDone,
      bytesTotal: e.totalBytes,
      bytesPerSecond: rate,
      etaSeconds: e.state === 'installed' ? 0 : rate > 0 ? Math.max(0, (e.totalBytes - e.bytesDone) / rate) : null,
      ...(e.error ? { error: { code: e.error.code, message: e.error.message } } : {}),
    };
  }

  private trimInstalled(): void {
    const installed = this.entries.filter((e) => e.state === 'installed');
    const drop = new Set(installed.slice(0, Math.max(0, installed.length - KEEP_INSTALLED)));
    if (drop.size) this.entries = this.entries.filter((e) => !drop.has(e));
  }

  private load(): Promise<void> {
    this.loading ??= this.readFile();
    return this.loading;
  }

  private async readFile(): Promise<void> {
    let text: string;
    try {
      text = await fs.promises.readFile(downloadQueuePath(this.o.library.dataDir), 'utf8');
    } catch {
      return;
    }
    const parsed = QueueFile.safeParse(safeJson(text));
    if (!parsed.success) {
      // A damaged queue loses only the queue: the engine asks again for every release it holds.
      this.o.log?.('[downloads] queue file unreadable; starting with an empty queue');
      return;
    }
    this.entries = parsed.data.entries;
  }

  private persist(): Promise<void> {
    const file = downloadQueuePath(this.o.library.dataDir);
    const snapshot = JSON.stringify({ format: 'teachpoint-downloads', entries: this.entries }, null, 1);
    this.writeChain = this.writeChain
      .then(async () => {
        await fs.promises.mkdir(path.dirname(file), { recursive: true });
        await writeFileAtomic(nodeStoreFs, file, snapshot, path.dirname(file));
      })
      .catch((err: unknown) => this.o.log?.(`[downloads] could not save the queue: ${String(err)}`));
    return this.writeChain;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
