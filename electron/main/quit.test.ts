import { describe, expect, it, vi } from 'vitest';
import { QuitHandshake, type QuitDeps } from './quit';

/** Manual timers: the test decides when a deadline passes (no real waiting, no timing asserts). */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let next = 1;
  return {
    setTimer: (fn: () => void, ms: number) => {
      pending.set(next, { fn, ms });
      return next++;
    },
    clearTimer: (handle: unknown) => void pending.delete(handle as number),
    /** Fire every pending timer whose delay is ≤ ms. */
    fire(ms: number) {
      for (const [id, t] of [...pending]) {
        if (t.ms <= ms) {
          pending.delete(id);
          t.fn();
        }
      }
    },
    get count() {
      return pending.size;
    },
  };
}

function setup(overrides: Partial<QuitDeps> = {}) {
  const timers = manualTimers();
  let answer: ((how: 'flushed' | 'timeout') => void) | null = null;
  const calls: string[] = [];
  const deps: QuitDeps = {
    deadlineMs: 3000,
    hasRenderer: () => true,
    flush: vi.fn((deadlineMs: number) => {
      calls.push(`flush:${deadlineMs}`);
      return new Promise<'flushed' | 'timeout'>((resolve) => (answer = resolve));
    }),
    dispose: vi.fn(async () => void calls.push('dispose')),
    quit: vi.fn(() => void calls.push('quit')),
    setTimer: timers.setTimer,
    clearTimer: timers.clearTimer,
    ...overrides,
  };
  return { handshake: new QuitHandshake(deps), deps, timers, calls, answer: (how: 'flushed' | 'timeout') => answer?.(how) };
}

describe('QuitHandshake', () => {
  it('holds the first quit, asks the renderer to flush, then disposes and quits once it answers', async () => {
    const { handshake, calls, answer } = setup();
    expect(handshake.requestQuit()).toBe(true); // before-quit is prevented
    expect(handshake.phase).toBe('flushing');
    expect(calls).toEqual(['flush:3000']);
    expect(handshake.requestQuit()).toBe(true); // a second attempt (window close) is held too
    answer('flushed');
    await handshake.done;
    expect(handshake.reason).toBe('flushed');
    expect(calls).toEqual(['flush:3000', 'dispose', 'quit']);
    expect(handshake.phase).toBe('ready');
    expect(handshake.requestQuit()).toBe(false); // the real quit passes
  });

  it('quits anyway when the renderer never answers (host deadline)', async () => {
    const { handshake, calls, answer } = setup();
    handshake.requestQuit();
    answer('timeout');
    await handshake.done;
    expect(handshake.reason).toBe('timeout');
    expect(calls).toEqual(['flush:3000', 'dispose', 'quit']);
  });

  it('quits anyway when even the host deadline is lost (own guard timer)', async () => {
    const { handshake, calls, timers } = setup();
    handshake.requestQuit();
    timers.fire(4000);
    await handshake.done;
    expect(handshake.reason).toBe('timeout');
    expect(calls).toEqual(['flush:3000', 'dispose', 'quit']);
  });

  it('does not wait for a renderer that is gone', async () => {
    const { handshake, deps, calls } = setup({ hasRenderer: () => false });
    handshake.requestQuit();
    await handshake.done;
    expect(deps.flush).not.toHaveBeenCalled();
    expect(handshake.reason).toBe('no-renderer');
    expect(calls).toEqual(['dispose', 'quit']);
  });

  it('quits even when flushing or disposing fails', async () => {
    const { handshake, calls } = setup({
      flush: () => Promise.reject(new Error('ipc gone')),
      dispose: () => Promise.reject(new Error('disk')),
    });
    handshake.requestQuit();
    await handshake.done;
    expect(handshake.reason).toBe('error');
    expect(calls).toEqual(['quit']);
  });

  it('quits even when host dispose hangs', async () => {
    const { handshake, calls, timers, answer } = setup({ dispose: () => new Promise<void>(() => {}) });
    handshake.requestQuit();
    answer('flushed');
    await vi.waitFor(() => expect(handshake.phase).toBe('disposing'));
    timers.fire(3000);
    await handshake.done;
    expect(calls).toEqual(['flush:3000', 'quit']);
    expect(timers.count).toBe(0);
  });
});
