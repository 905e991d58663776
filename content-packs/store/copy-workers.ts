import { cpus } from 'node:os';
import { Worker } from 'node:worker_threads';

/**
 * Copy + sha256 + fsync of one byte range, run on worker threads so that hashing (≈0.5 GB/s
 * per core without SHA extensions) of several blobs proceeds on several cores at once, and
 * fsync waits do not occupy libuv's 4-thread pool that the main thread's I/O needs.
 *
 * Workers get plain fd numbers (fds are process-wide). The worker source is inline (eval) so
 * it survives esbuild bundling for Electron and runs under tsx unchanged; it is plain CommonJS
 * for Node 16.
 */
const WORKER_SOURCE = `
const { parentPort } = require('worker_threads');
const fs = require('fs');
const crypto = require('crypto');
// Progress is reported per 4 MiB, not per chunk: fewer messages for the main thread to handle.
const PROGRESS_BYTES = 4 * 1024 * 1024;
let buf = null;
parentPort.on('message', (job) => {
  const { id, srcFd, offset, length, dstFd, chunk, expected, sourcePath, sourceSize, cancel, fsync } = job;
  const flag = new Int32Array(cancel);
  let side = 'source';
  // Own fd per job: each open file has its own readahead window, so several workers reading
  // different blobs of the same pack do not break each other's sequential readahead.
  let ownFd = -1;
  try {
    if (sourcePath) {
      // The stick must still hold the same file (the main thread does not stat it per blob for this path).
      side = 'gone';
      ownFd = fs.openSync(sourcePath, 'r');
      if (sourceSize >= 0 && fs.fstatSync(ownFd).size !== sourceSize) { const e = new Error('source size changed'); e.code = 'ESTALE'; throw e; }
      side = 'source';
    }
    const inFd = ownFd >= 0 ? ownFd : srcFd;
    if (!buf || buf.length < chunk) buf = Buffer.allocUnsafe(chunk);
    const h = crypto.createHash('sha256');
    let pos = 0;
    let sinceCheck = 0;
    let unreported = 0;
    while (pos < length) {
      if (Atomics.load(flag, 0) !== 0) { parentPort.postMessage({ id, type: 'error', kind: 'cancelled' }); return; }
      const want = Math.min(chunk, length - pos);
      side = 'source';
      let got = 0;
      while (got < want) {
        const n = fs.readSync(inFd, buf, got, want - got, offset + pos + got);
        if (n === 0) break;
        got += n;
      }
      if (got < want) { parentPort.postMessage({ id, type: 'error', kind: 'truncated', got: pos + got }); return; }
      h.update(got === buf.length ? buf : buf.subarray(0, got));
      side = 'dest';
      let w = 0;
      while (w < got) w += fs.writeSync(dstFd, buf, w, got - w, pos + w);
      pos += got;
      sinceCheck += got;
      unreported += got;
      if (unreported >= PROGRESS_BYTES) { parentPort.postMessage({ id, type: 'progress', n: unreported }); unreported = 0; }
      if (sourcePath && sinceCheck >= 32 * 1024 * 1024) {
        sinceCheck = 0;
        side = 'gone';
        const st = fs.statSync(sourcePath);
        if (sourceSize >= 0 && st.size !== sourceSize) { const e = new Error('source size changed'); e.code = 'ESTALE'; throw e; }
      }
    }
    if (unreported > 0) parentPort.postMessage({ id, type: 'progress', n: unreported });
    const actual = h.digest('hex');
    if (actual !== expected) { parentPort.postMessage({ id, type: 'error', kind: 'mismatch', actual }); return; }
    side = 'dest';
    if (fsync) fs.fsyncSync(dstFd);
    parentPort.postMessage({ id, type: 'done', sha256: actual });
  } catch (e) {
    parentPort.postMessage({ id, type: 'error', kind: side, code: e && e.code, message: String(e && e.message) });
  } finally {
    if (ownFd >= 0) try { fs.closeSync(ownFd); } catch (e) {}
  }
});
`;

export interface CopyJob {
  srcFd: number;
  offset: number;
  length: number;
  dstFd: number;
  expectedSha256: string;
  chunk: number;
  /** fsync the destination after a successful copy (per-file durability mode). */
  fsync: boolean;
  /** Checked about every 32 MiB: the file must still exist with this size (a pulled stick). */
  sourcePath?: string;
  sourceSize?: number;
  signal?: AbortSignal;
  onBytes?: (n: number) => void;
}

export type CopyOutcome =
  | { ok: true }
  | { ok: false; kind: 'cancelled' | 'mismatch' | 'truncated'; actual?: string; got?: number }
  | { ok: false; kind: 'source' | 'dest' | 'gone'; code?: string; message?: string };

interface Slot {
  worker: Worker;
  /** Jobs posted to this worker and not yet answered (it runs them one after another). */
  inFlight: number;
  /** Bytes of those jobs not yet copied (progress messages count down). */
  bytesLeft: number;
  dead: boolean;
}

let nextId = 0;

/**
 * Worker threads that copy+hash; each may hold `depth` jobs: the next blob's job is already queued
 * in the worker when the current one finishes, so a worker never idles waiting for the main
 * thread to hand it work (with many small blobs that round trip was a large share of the copy).
 * A job goes to the worker with the fewest bytes left to copy, so small blobs do not queue behind
 * a 300 MB video on one worker while the other runs dry (and the import ends with one worker).
 */
export class CopyWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<{ bytes: number; resolve: (s: Slot) => void }> = [];

  constructor(
    readonly size: number = defaultCopyConcurrency(),
    readonly depth: number = COPY_QUEUE_DEPTH,
  ) {}

  /** Jobs that can be in flight at once (what a caller should keep queued). */
  get capacity(): number {
    return this.size * this.depth;
  }

  run(job: CopyJob): Promise<CopyOutcome> {
    return this.acquire(job.length).then(
      (slot) =>
        new Promise<CopyOutcome>((resolve) => {
          const id = ++nextId;
          let reported = 0;
          const cancel = new SharedArrayBuffer(4);
          const flag = new Int32Array(cancel);
          const onAbort = () => Atomics.store(flag, 0, 1);
          job.signal?.addEventListener('abort', onAbort);
          if (job.signal?.aborted) onAbort();
          const finish = (o: CopyOutcome) => {
            slot.worker.off('message', onMessage);
            slot.worker.off('error', onError);
            job.signal?.removeEventListener('abort', onAbort);
            this.release(slot, job.length - reported);
            resolve(o);
          };
          const onMessage = (m: { id: number; type: string; n?: number; kind?: string; code?: string; message?: string; actual?: string; got?: number }) => {
            if (m.id !== id) return;
            if (m.type === 'progress') {
              reported += m.n!;
              slot.bytesLeft -= m.n!;
              job.onBytes?.(m.n!);
            }
            else if (m.type === 'done') finish({ ok: true });
            else finish({ ok: false, kind: m.kind as 'source', code: m.code, message: m.message, actual: m.actual, got: m.got } as CopyOutcome);
          };
          const onError = (err: Error) => {
            // The worker died: drop it (every job queued on it fails) so the pool stays usable.
            slot.dead = true;
            const i = this.slots.indexOf(slot);
            if (i >= 0) this.slots.splice(i, 1);
            finish({ ok: false, kind: 'dest', message: err.message });
          };
          slot.worker.setMaxListeners(4 * this.depth + 10);
          slot.worker.on('message', onMessage);
          slot.worker.on('error', onError);
          slot.worker.postMessage({
            id,
            srcFd: job.srcFd,
            offset: job.offset,
            length: job.length,
            dstFd: job.dstFd,
            chunk: job.chunk,
            fsync: job.fsync,
            expected: job.expectedSha256,
            sourcePath: job.sourcePath ?? null,
            sourceSize: job.sourceSize ?? -1,
            cancel,
          });
        }),
    );
  }

  private acquire(bytes: number): Promise<Slot> {
    const slot = this.pick();
    if (!slot) return new Promise((resolve) => this.waiting.push({ bytes, resolve }));
    this.assign(slot, bytes);
    return Promise.resolve(slot);
  }

  /** The live worker with room and the fewest bytes left; a new one while the pool is below its size and none is idle. */
  private pick(): Slot | null {
    let best: Slot | null = null;
    for (const s of this.slots) if (s.inFlight < this.depth && (!best || s.bytesLeft < best.bytesLeft)) best = s;
    if (this.slots.length < this.size && (!best || best.inFlight > 0)) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      best = { worker, inFlight: 0, bytesLeft: 0, dead: false };
      this.slots.push(best);
    }
    return best;
  }

  private assign(slot: Slot, bytes: number): void {
    slot.inFlight++;
    slot.bytesLeft += bytes;
  }

  /** A job ended (`bytesLeft`: its bytes not counted down by progress): hand waiting jobs to whichever workers now have room. */
  private release(slot: Slot, bytesLeft: number): void {
    slot.inFlight--;
    slot.bytesLeft -= bytesLeft;
    while (this.waiting.length > 0) {
      const next = this.pick(); // a dead worker is no longer in `slots`: its waiters go to another (or a fresh) one
      if (!next) return;
      const waiter = this.waiting.shift()!;
      this.assign(next, waiter.bytes);
      waiter.resolve(next);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}

/**
 * Jobs queued per worker: one running, the next ones ready. Each job needs main-thread round trips
 * before it is posted (locate the entry, open the temp file) and the rename after; with many small
 * blobs (~0.5 ms of copying each) a worker holding only its next job waited for the main thread.
 */
export const COPY_QUEUE_DEPTH = 8;

/** Copies in flight: one per core (hashing is the CPU cost), at least 2 so one blob's I/O wait overlaps another's hashing, at most 4. */
export function defaultCopyConcurrency(): number {
  return Math.max(2, Math.min(4, cpus().length));
}

let shared: CopyWorkerPool | null = null;
/** One pool per process. */
export function sharedCopyPool(): CopyWorkerPool {
  shared ??= new CopyWorkerPool();
  return shared;
}
