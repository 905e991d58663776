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
// Direct I/O needs the memory address, file offset and length aligned; 4096 covers every logical block size.
const ALIGN = 4096;
const O_DIRECT = fs.constants.O_DIRECT;
// False after the filesystem refused direct I/O once (tmpfs, some FUSE mounts): buffered writes from then on.
let directWorks = O_DIRECT !== undefined && process.env.TP_COPY_DIRECT !== '0';
let buf = null;
// WebAssembly memory is allocated in whole 64 KiB pages, page-aligned, as O_DIRECT needs;
// a Buffer from allocUnsafe has no alignment guarantee (then direct I/O is not used).
function chunkBuffer(size) {
  if (directWorks) {
    try { const mem = new WebAssembly.Memory({ initial: Math.ceil(size / 65536) }); return { buf: Buffer.from(mem.buffer), aligned: true }; } catch (e) {}
  }
  return { buf: Buffer.allocUnsafe(size), aligned: false };
}
let aligned = false;
// A second, O_DIRECT descriptor of the very file dstFd is open on (Linux: /proc/self/fd reopens
// it), so the bytes land exactly where the store's fs seam pointed dstFd. -1: use dstFd only.
function openDirect(dstFd) {
  try { return fs.openSync('/proc/self/fd/' + dstFd, fs.constants.O_WRONLY | O_DIRECT); } catch (e) { return -1; }
}
// Write one chunk at \`pos\` (a multiple of the chunk size): its aligned part with direct I/O when
// possible (no copy into the page cache, no dirty pages for the flush to write back later: the
// bytes go from this buffer to the disk), the rest through the ordinary fd.
function writeChunk(dstFd, directFd, got, pos) {
  let w = 0;
  const whole = got - (got % ALIGN);
  if (directFd >= 0 && whole > 0) {
    try {
      w = fs.writeSync(directFd, buf, 0, whole, pos);
    } catch (e) {
      if (e.code !== 'EINVAL') throw e;
      directWorks = false;
    }
  }
  while (w < got) w += fs.writeSync(dstFd, buf, w, got - w, pos + w);
}
parentPort.on('message', (job) => {
  const { id, srcFd, offset, length, dstFd, chunk, expected, sourcePath, sourceSize, cancel, fsync } = job;
  const flag = new Int32Array(cancel);
  let side = 'source';
  // Own fd per job: each open file has its own readahead window, so several workers reading
  // different blobs of the same pack do not break each other's sequential readahead.
  let ownFd = -1;
  let directFd = -1;
  try {
    if (sourcePath) { side = 'gone'; ownFd = fs.openSync(sourcePath, 'r'); side = 'source'; }
    const inFd = ownFd >= 0 ? ownFd : srcFd;
    if (!buf || buf.length < chunk) ({ buf, aligned } = chunkBuffer(chunk));
    // Chunks start at multiples of ALIGN so that all but a blob's last few bytes can go direct.
    const step = chunk > ALIGN ? chunk - (chunk % ALIGN) : chunk;
    if (aligned && directWorks && length >= ALIGN) directFd = openDirect(dstFd);
    const h = crypto.createHash('sha256');
    let pos = 0;
    let sinceCheck = 0;
    let unreported = 0;
    while (pos < length) {
      if (Atomics.load(flag, 0) !== 0) { parentPort.postMessage({ id, type: 'error', kind: 'cancelled' }); return; }
      const want = Math.min(step, length - pos);
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
      writeChunk(dstFd, directWorks ? directFd : -1, got, pos);
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
    if (directFd >= 0) try { fs.closeSync(directFd); } catch (e) {}
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
  dead: boolean;
}

let nextId = 0;

/**
 * Worker threads that copy+hash; each may hold `depth` jobs: the next blob's job is already queued
 * in the worker when the current one finishes, so a worker never idles waiting for the main
 * thread to hand it work (with many small blobs that round trip was a large share of the copy).
 */
export class CopyWorkerPool {
  private readonly slots: Slot[] = [];
  private readonly waiting: Array<(s: Slot) => void> = [];

  constructor(
    readonly size: number = defaultCopyConcurrency(),
    readonly depth: number = COPY_QUEUE_DEPTH,
  ) {}

  /** Jobs that can be in flight at once (what a caller should keep queued). */
  get capacity(): number {
    return this.size * this.depth;
  }

  run(job: CopyJob): Promise<CopyOutcome> {
    return this.acquire().then(
      (slot) =>
        new Promise<CopyOutcome>((resolve) => {
          const id = ++nextId;
          const cancel = new SharedArrayBuffer(4);
          const flag = new Int32Array(cancel);
          const onAbort = () => Atomics.store(flag, 0, 1);
          job.signal?.addEventListener('abort', onAbort);
          if (job.signal?.aborted) onAbort();
          const finish = (o: CopyOutcome) => {
            slot.worker.off('message', onMessage);
            slot.worker.off('error', onError);
            job.signal?.removeEventListener('abort', onAbort);
            this.release(slot);
            resolve(o);
          };
          const onMessage = (m: { id: number; type: string; n?: number; kind?: string; code?: string; message?: string; actual?: string; got?: number }) => {
            if (m.id !== id) return;
            if (m.type === 'progress') job.onBytes?.(m.n!);
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

  private acquire(): Promise<Slot> {
    // Fill every worker's first place before queueing a second job on any of them.
    let best: Slot | null = null;
    for (const s of this.slots) if (s.inFlight < this.depth && (!best || s.inFlight < best.inFlight)) best = s;
    if (best && (best.inFlight === 0 || this.slots.length >= this.size)) {
      best.inFlight++;
      return Promise.resolve(best);
    }
    if (this.slots.length < this.size) {
      const worker = new Worker(WORKER_SOURCE, { eval: true });
      worker.unref();
      const slot: Slot = { worker, inFlight: 1, dead: false };
      this.slots.push(slot);
      return Promise.resolve(slot);
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(slot: Slot): void {
    slot.inFlight--;
    const next = this.waiting.shift();
    if (!next) return;
    if (!slot.dead) {
      slot.inFlight++;
      next(slot);
    } else void this.acquire().then(next); // the worker died: hand the waiter another (or a fresh) one
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
    this.slots.length = 0;
  }
}

/** Jobs queued per worker: 2 = one running, the next one ready. */
export const COPY_QUEUE_DEPTH = 2;

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
