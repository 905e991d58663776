import type { ZipEntry } from '../format/zip-reader';

/** One distinct blob the pack holds, with where its bytes are and what to call it in progress. */
export interface PlannedBlob {
  sha256: string;
  size: number;
  mime: string;
  entry: ZipEntry;
  /** zh-CN title of the lesson (or resource) this blob belongs to, for the progress line. */
  title: string | null;
}

/** Sort by position in the file so a USB stick is read front to back (no seeking). */
export function inFileOrder(blobs: PlannedBlob[]): PlannedBlob[] {
  return [...blobs].sort((a, b) => a.entry.localHeaderOffset - b.entry.localHeaderOffset);
}

/** Run async jobs with at most `limit` in flight; `drain()` waits for all and rethrows the first failure. */
export class BoundedPool {
  private readonly running = new Set<Promise<void>>();
  private failure: unknown = null;
  private failed = false;

  constructor(private readonly limit: number) {}

  get error(): unknown {
    return this.failed ? this.failure : null;
  }

  async add(job: () => Promise<void>): Promise<void> {
    if (this.failed) throw this.failure;
    while (this.running.size >= this.limit) await Promise.race(this.running);
    if (this.failed) throw this.failure;
    const p: Promise<void> = job().then(
      () => {
        this.running.delete(p);
      },
      (err) => {
        this.running.delete(p);
        if (!this.failed) {
          this.failed = true;
          this.failure = err;
        }
      },
    );
    this.running.add(p);
  }

  /** Wait for everything in flight; throws the first failure. */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
    if (this.failed) throw this.failure;
  }

  /** Wait for everything in flight, ignoring failures (cleanup paths). */
  async settle(): Promise<void> {
    while (this.running.size > 0) await Promise.race(this.running);
  }
}
