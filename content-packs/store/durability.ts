import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * How blobs are made durable before they get their final name:
 *  - 'syncfs' (Linux): blobs are written to temp files, then ONE `sync -f <dir>` (syncfs(2):
 *    data and metadata of the whole filesystem) flushes a whole batch, then the batch is renamed
 *    into place, and one more flush before the index switch persists the renames. Group commit:
 *    a few flushes per GiB instead of one fsync per file plus one per directory, which on ext4
 *    costs a journal commit each (measured: hundreds of ms per 100 small blobs).
 *  - 'fsync' (Windows, macOS, or when `sync -f` is unavailable): fsync each temp file before its
 *    rename (FlushFileBuffers on Windows), fsync touched directories before the index switch.
 * Either way a blob is flushed before it is renamed, and everything is flushed before the index
 * that references it is written.
 */
export type Durability = 'syncfs' | 'fsync';

export function defaultDurability(platform: NodeJS.Platform = process.platform): Durability {
  return platform === 'linux' ? 'syncfs' : 'fsync';
}

/** syncfs(2) of the filesystem holding `path` via coreutils `sync -f` (8.24+, 2015). Resolves false if it cannot. */
export function syncFileSystem(path: string): Promise<boolean> {
  if (process.platform === 'win32' || /[\r\n]/.test(path)) return syncOnce(path);
  return syncHelper.sync(path);
}

function syncOnce(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('sync', ['-f', path], { timeout: FLUSH_TIMEOUT_MS }, (err) => resolve(!err));
  });
}

const FLUSH_TIMEOUT_MS = 10 * 60 * 1000;

/**
 * One long-lived `sh` that runs `sync -f <path>` per line it reads and answers 0/1. Spawning from
 * the app (a large process) cost 12–28 ms of main-thread CPU per flush on the test VM, 8–9 flushes
 * per GiB imported; the small shell forks `sync` cheaply. Requests are answered in order; if the
 * helper cannot start or dies, that request (and later ones until it restarts) uses a plain spawn.
 * The helper does not keep the process alive while idle.
 */
class SyncHelper {
  private child: ChildProcessWithoutNullStreams | null = null;
  private readonly pending: Array<{ path: string; answer: (ok: boolean) => void }> = [];
  private buffered = '';

  sync(path: string): Promise<boolean> {
    const child = this.child ?? this.start();
    if (!child) return syncOnce(path);
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.stop(), FLUSH_TIMEOUT_MS);
      timer.unref();
      this.pending.push({
        path,
        answer: (ok) => {
          clearTimeout(timer);
          resolve(ok);
        },
      });
      this.setRef(true);
      child.stdin.write(`${path}\n`);
    });
  }

  private start(): ChildProcessWithoutNullStreams | null {
    let child: ChildProcessWithoutNullStreams;
    try {
      child = spawn('sh', ['-c', 'while IFS= read -r p; do if sync -f "$p"; then echo 0; else echo 1; fi; done'], { stdio: 'pipe' });
    } catch {
      return null;
    }
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      this.buffered += text;
      let nl: number;
      while ((nl = this.buffered.indexOf('\n')) >= 0) {
        const answer = this.buffered.slice(0, nl).trim();
        this.buffered = this.buffered.slice(nl + 1);
        this.pending.shift()?.answer(answer === '0');
      }
      if (this.pending.length === 0) this.setRef(false);
    });
    child.stdin.on('error', () => undefined); // a dead helper: 'exit' below answers what was pending
    child.on('error', () => this.stop());
    child.on('exit', () => {
      if (this.child === child) this.stop();
    });
    child.unref();
    this.child = child;
    this.setRef(false);
    return child;
  }

  /** Keep the event loop alive only while an answer is awaited. */
  private setRef(on: boolean): void {
    const c = this.child;
    if (!c) return;
    for (const stream of [c.stdin, c.stdout, c.stderr] as Array<{ ref?: () => void; unref?: () => void }>) (on ? stream.ref : stream.unref)?.call(stream);
  }

  /** Forget the helper (it died or hung); what it had not answered is flushed with a plain spawn. */
  private stop(): void {
    const c = this.child;
    this.child = null;
    this.buffered = '';
    if (c) c.kill();
    for (const { path, answer } of this.pending.splice(0)) void syncOnce(path).then(answer);
  }
}

const syncHelper = new SyncHelper();
