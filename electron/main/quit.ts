/**
 * Quit handshake as a small state machine (pure: timers and effects are injected).
 *
 *   running ──requestQuit()──▶ flushing ──flushed | deadline | no renderer──▶ disposing ──▶ ready
 *
 * While not `ready`, every quit attempt (before-quit, closing the window) is held back so the
 * renderer can finish its Dexie writes: the host emits `app.willQuit {deadlineMs}` and waits for
 * the renderer's `app.flushed` call or the deadline. Then the host is disposed and the app quits
 * for real; the second before-quit passes because the phase is `ready`.
 */
export type QuitPhase = 'running' | 'flushing' | 'disposing' | 'ready';
export type QuitReason = 'flushed' | 'timeout' | 'no-renderer' | 'error';

export interface QuitDeps {
  deadlineMs: number;
  /** false when there is no live renderer to wait for (window already gone or crashed). */
  hasRenderer(): boolean;
  /** Sends app.willQuit and resolves when the renderer answered or the deadline passed (host.requestQuit). */
  flush(deadlineMs: number): Promise<'flushed' | 'timeout'>;
  /** Stops host timers/watchers and flushes host state (host.dispose). */
  dispose(): Promise<void>;
  /** Really quit (app.quit()). */
  quit(): void;
  /** Guards against a flush or dispose that never settles. */
  setTimer(fn: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
  log?(message: string): void;
}

export class QuitHandshake {
  private phaseValue: QuitPhase = 'running';
  private reasonValue: QuitReason | null = null;
  private finished: Promise<void> | null = null;

  constructor(private readonly deps: QuitDeps) {}

  get phase(): QuitPhase {
    return this.phaseValue;
  }

  /** Why flushing ended (null until it did). */
  get reason(): QuitReason | null {
    return this.reasonValue;
  }

  /** Resolves once the handshake has called quit() (for callers that want to await it). */
  get done(): Promise<void> {
    return this.finished ?? Promise.resolve();
  }

  /**
   * Call from `before-quit` and from the window's `close`. Returns true when the event must be
   * prevented (the handshake is still running); false once quitting may proceed.
   */
  requestQuit(): boolean {
    if (this.phaseValue === 'ready') return false;
    if (this.phaseValue === 'running') {
      this.phaseValue = 'flushing';
      this.finished = this.run();
    }
    return true;
  }

  private async run(): Promise<void> {
    const { deps } = this;
    let reason: QuitReason;
    if (!deps.hasRenderer()) {
      reason = 'no-renderer';
    } else {
      // Grace on top of the host's own deadline, in case its timer is lost.
      reason = await this.bounded(() => deps.flush(deps.deadlineMs), deps.deadlineMs + 1000, 'timeout');
    }
    this.reasonValue = reason;
    deps.log?.(`[quit] renderer flush ended: ${reason}`);
    this.phaseValue = 'disposing';
    const disposed = await this.bounded(() => deps.dispose().then(() => 'ok' as const), deps.deadlineMs, 'timeout');
    if (disposed !== 'ok') deps.log?.(`[quit] host dispose: ${disposed}`);
    this.phaseValue = 'ready';
    deps.quit();
  }

  /** Runs `task`, settling with `onTimeout` after `ms` or with 'error' when it rejects. */
  private bounded<T extends string>(task: () => Promise<T>, ms: number, onTimeout: T): Promise<T | 'error'> {
    return new Promise((resolve) => {
      let settled = false;
      const settle = (value: T | 'error') => {
        if (settled) return;
        settled = true;
        this.deps.clearTimer(timer);
        resolve(value);
      };
      const timer = this.deps.setTimer(() => settle(onTimeout), ms);
      let promise: Promise<T>;
      try {
        promise = task();
      } catch {
        settle('error');
        return;
      }
      promise.then(settle, (err: unknown) => {
        this.deps.log?.(`[quit] ${String(err)}`);
        settle('error');
      });
    });
  }
}
