import { randomBytes, createHash } from 'crypto';
import type { BridgeHandlers } from '../../../common/bridge/contract';
import { PRIVILEGED_METHODS, teacherError, type PrivilegedMethod, type TeacherSession } from '../../../common/bridge/methods/teacher';
import type { HostContext, HostFeature } from '../context';
import { TeacherPinStore } from '../teacher-pin';

export type TeacherMethod = 'teacher.status' | 'teacher.setPin' | 'teacher.unlock' | 'teacher.resetPin' | 'teacher.touch' | 'teacher.lock';

/** A teacher session ends after this long without use (privileged call or `teacher.touch`). */
export const DEFAULT_TEACHER_IDLE_MS = 15 * 60 * 1000;
/** Wrong PIN / reset code tries allowed before the host makes the next one wait. */
export const FREE_TRIES = 5;
const FIRST_WAIT_MS = 30_000;
const MAX_WAIT_MS = 15 * 60 * 1000;
const MAX_SESSIONS = 16;

export interface TeacherFeatureOptions {
  idleTimeoutMs?: number;
  /** Clock (tests). */
  now?: () => number;
}

/**
 * Teacher sessions, in memory only (a host restart ends them all): token → last use. Tokens are kept
 * as sha256 so a heap dump does not hand out live tokens; lookups are by hash (no timing leak on
 * the token itself).
 */
export class TeacherSessions {
  private readonly sessions = new Map<string, number>();

  constructor(
    readonly idleTimeoutMs: number,
    private readonly now: () => number,
  ) {}

  private static key(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }

  issue(): string {
    this.sweep();
    while (this.sessions.size >= MAX_SESSIONS) {
      const oldest = [...this.sessions.entries()].sort((a, b) => a[1] - b[1])[0]!;
      this.sessions.delete(oldest[0]);
    }
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(TeacherSessions.key(token), this.now());
    return token;
  }

  /** Valid and not idle-expired: refresh and say true. Expired ones are dropped. */
  touch(token: string | undefined): boolean {
    if (!token) return false;
    const key = TeacherSessions.key(token);
    const last = this.sessions.get(key);
    if (last === undefined) return false;
    if (this.now() - last > this.idleTimeoutMs) {
      this.sessions.delete(key);
      return false;
    }
    this.sessions.set(key, this.now());
    return true;
  }

  /** Valid and not idle-expired, WITHOUT refreshing (a page polling its status must not keep a session alive). */
  isLive(token: string | undefined): boolean {
    if (!token) return false;
    const last = this.sessions.get(TeacherSessions.key(token));
    return last !== undefined && this.now() - last <= this.idleTimeoutMs;
  }

  end(token: string): void {
    this.sessions.delete(TeacherSessions.key(token));
  }

  endAll(): void {
    this.sessions.clear();
  }

  /** Throws `teacher.locked` unless `token` is a live session (used by the privileged-method guard and the upload route). */
  require(token: string | undefined, method: string): void {
    if (!this.touch(token)) throw teacherError('teacher.locked', { method, reason: token ? 'expired-or-unknown' : 'missing' });
  }

  private sweep(): void {
    const now = this.now();
    for (const [k, last] of this.sessions) if (now - last > this.idleTimeoutMs) this.sessions.delete(k);
  }
}

/** Doubling wait after FREE_TRIES wrong answers in a row (PIN and reset code counted together). */
class TryLimiter {
  private failures = 0;
  private blockedUntil = 0;

  constructor(private readonly now: () => number) {}

  retryAfterMs(): number {
    return Math.max(0, this.blockedUntil - this.now());
  }

  check(): void {
    const wait = this.retryAfterMs();
    if (wait > 0) throw teacherError('teacher.too-many-tries', { retryAfterMs: wait });
  }

  failed(): void {
    this.failures++;
    if (this.failures >= FREE_TRIES) {
      const wait = Math.min(MAX_WAIT_MS, FIRST_WAIT_MS * 2 ** (this.failures - FREE_TRIES));
      this.blockedUntil = this.now() + wait;
    }
  }

  succeeded(): void {
    this.failures = 0;
    this.blockedUntil = 0;
  }
}

/**
 * Bridge side of teacher mode: PIN set/unlock/reset (hashes in `<data>/teacher.json`, see
 * ../teacher-pin.ts), sessions with idle expiry, and `guardPrivileged` for the composition root.
 */
export function createTeacherFeature(ctx: HostContext, options: TeacherFeatureOptions = {}): HostFeature<TeacherMethod> & { sessions: TeacherSessions; pins: TeacherPinStore } {
  const now = options.now ?? (() => Date.now());
  const pins = new TeacherPinStore(ctx.dataDir);
  const sessions = new TeacherSessions(options.idleTimeoutMs ?? DEFAULT_TEACHER_IDLE_MS, now);
  const limiter = new TryLimiter(now);
  // One PIN change at a time (two first-use setPin calls racing must not both win).
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };
  const newSession = (): TeacherSession => ({ session: sessions.issue(), idleTimeoutMs: sessions.idleTimeoutMs });

  return {
    pins,
    sessions,
    handlers: {
      'teacher.status': async ({ session }) => ({
        pinSet: await pins.pinSet(),
        unlocked: sessions.isLive(session),
        idleTimeoutMs: sessions.idleTimeoutMs,
        resetCodePending: await pins.resetCodePending(new Date(now())),
        retryAfterMs: limiter.retryAfterMs(),
      }),
      'teacher.setPin': ({ pin, session }) =>
        serial(async () => {
          if (await pins.pinSet()) {
            if (!sessions.touch(session)) throw teacherError('teacher.pin-already-set');
          }
          await pins.setPin(pin);
          sessions.endAll();
          return newSession();
        }),
      'teacher.unlock': ({ pin }) =>
        serial(async () => {
          limiter.check();
          if (!(await pins.checkPin(pin))) {
            limiter.failed();
            throw teacherError('teacher.wrong-pin', { retryAfterMs: limiter.retryAfterMs() });
          }
          limiter.succeeded();
          return newSession();
        }),
      'teacher.resetPin': ({ code, pin }) =>
        serial(async () => {
          limiter.check();
          if (!(await pins.resetWithCode(code, pin, new Date(now())))) {
            limiter.failed();
            throw teacherError('teacher.bad-reset-code', { retryAfterMs: limiter.retryAfterMs() });
          }
          limiter.succeeded();
          sessions.endAll();
          return newSession();
        }),
      'teacher.touch': async ({ session }) => ({ unlocked: sessions.touch(session) }),
      'teacher.lock': async ({ session }) => {
        sessions.end(session);
        return {};
      },
    },
    dispose: async () => sessions.endAll(),
  };
}

/**
 * Wrap the merged handlers so every privileged method (PRIVILEGED_METHODS) first checks the request's
 * `teacherSession` (`teacher.locked` otherwise) and never sees it. Both transports dispatch through
 * these handlers, so the check holds for IPC and HTTP alike.
 */
export function guardPrivileged(handlers: BridgeHandlers, sessions: TeacherSessions): BridgeHandlers {
  const guarded: BridgeHandlers = { ...handlers };
  for (const method of PRIVILEGED_METHODS) {
    const inner = handlers[method] as (req: { teacherSession?: string }) => Promise<unknown>;
    (guarded as unknown as Record<PrivilegedMethod, (req: { teacherSession?: string }) => Promise<unknown>>)[method] = async (request) => {
      const { teacherSession, ...rest } = request;
      sessions.require(teacherSession, method);
      return inner(rest);
    };
  }
  return guarded;
}
