import type { RemovableDrive } from '../../common/bridge/methods/drives';

export interface DriveDiff {
  drives: RemovableDrive[];
  arrived: RemovableDrive[];
  left: RemovableDrive[];
}

export interface PollerClock {
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

const realClock: PollerClock = {
  setInterval: (fn, ms) => {
    const h = setInterval(fn, ms);
    (h as { unref?: () => void }).unref?.();
    return h;
  },
  clearInterval: (h) => clearInterval(h as Parameters<typeof clearInterval>[0]),
};

/** Compare two drive lists by id (a stick re-mounted at the same place with a new label counts as left+arrived). */
export function diffDrives(before: RemovableDrive[], after: RemovableDrive[]): DriveDiff {
  const key = (d: RemovableDrive) => `${d.id}\u0000${d.label ?? ''}\u0000${d.totalBytes ?? ''}`;
  const b = new Map(before.map((d) => [key(d), d]));
  const a = new Map(after.map((d) => [key(d), d]));
  return {
    drives: after,
    arrived: after.filter((d) => !b.has(key(d))),
    left: before.filter((d) => !a.has(key(d))),
  };
}

/**
 * Polls the drive list every `intervalMs` (2 s) and calls `onChange` with arrived/left diffs.
 * Never overlaps two reads; a failing read keeps the previous list. Clock and reader are injectable.
 */
export class DrivePoller {
  private handle: unknown = null;
  private current: RemovableDrive[] = [];
  private running: Promise<void> | null = null;
  private started = false;

  constructor(
    private readonly read: () => Promise<RemovableDrive[]>,
    private readonly onChange: (diff: DriveDiff) => void,
    private readonly options: { intervalMs?: number; clock?: PollerClock; onError?: (err: unknown) => void } = {},
  ) {}

  get drives(): RemovableDrive[] {
    return this.current;
  }

  /** Reads once (so `drives` is filled; the first list is reported as arrivals), then every interval. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    await this.tick();
    if (!this.started) return;
    const clock = this.options.clock ?? realClock;
    this.handle = clock.setInterval(() => void this.tick(), this.options.intervalMs ?? 2000);
  }

  stop(): Promise<void> {
    this.started = false;
    if (this.handle !== null) (this.options.clock ?? realClock).clearInterval(this.handle);
    this.handle = null;
    return this.running ?? Promise.resolve();
  }

  /** One poll; exposed for tests and for "refresh now". */
  tick(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        const next = await this.read();
        const diff = diffDrives(this.current, next);
        this.current = next;
        if (diff.arrived.length || diff.left.length) this.onChange(diff);
      } catch (err) {
        this.options.onError?.(err);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }
}
