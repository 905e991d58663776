import type { BridgeHandlers } from '../../../common/bridge/contract';
import { teacherError } from '../../../common/bridge/methods/teacher';
import { teacherSession } from '../bridge/teacher-session';

/**
 * In-page stand-in for the host's teacher feature (the real one — scrypt, files, idle expiry — is
 * tested in electron/host/handlers/teacher.test.ts). `unlocked: true` starts in teacher mode, as a
 * test of teacher-only controls needs.
 */
export function fakeTeacher(opts: { pin?: string | null; unlocked?: boolean } = {}) {
  const state = { pin: opts.pin === undefined ? '2468' : opts.pin, sessions: new Set<string>() };
  let n = 0;
  const issue = () => {
    const s = `test-session-${++n}-0123456789abcdef`;
    state.sessions.add(s);
    return { session: s, idleTimeoutMs: 900_000 };
  };
  if (opts.unlocked) teacherSession.set(issue().session);
  else teacherSession.set(null);
  const handlers: Partial<BridgeHandlers> = {
    'teacher.status': async ({ session }) => ({
      pinSet: state.pin !== null,
      unlocked: session !== undefined && state.sessions.has(session),
      idleTimeoutMs: 900_000,
      resetCodePending: false,
      retryAfterMs: 0,
    }),
    'teacher.setPin': async ({ pin, session }) => {
      if (state.pin !== null && !(session && state.sessions.has(session))) throw teacherError('teacher.pin-already-set');
      state.pin = pin;
      state.sessions.clear();
      return issue();
    },
    'teacher.unlock': async ({ pin }) => {
      if (pin !== state.pin) throw teacherError('teacher.wrong-pin');
      return issue();
    },
    'teacher.resetPin': async () => {
      throw teacherError('teacher.bad-reset-code');
    },
    'teacher.touch': async ({ session }) => ({ unlocked: state.sessions.has(session) }),
    'teacher.lock': async ({ session }) => {
      state.sessions.delete(session);
      return {};
    },
  };
  /** Require a live session like the host's guard does (for privileged fake handlers). */
  const guard = (request: { teacherSession?: string }) => {
    if (!request.teacherSession || !state.sessions.has(request.teacherSession)) throw teacherError('teacher.locked');
  };
  return { state, handlers, guard };
}
