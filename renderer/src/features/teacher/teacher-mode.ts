import { createContext, createElement, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type { TeacherStatus } from '../../../../common/bridge/methods/teacher';
import { useServices } from '../../app/services';
import { teacherSession, type TeacherSessionStore } from '../../bridge/teacher-session';

export type TeacherModeState =
  | { status: 'checking' }
  | { status: 'no-pin' }
  | { status: 'locked'; retryAfterMs: number; resetCodePending: boolean }
  | { status: 'unlocked' }
  | { status: 'error'; error: unknown };

export interface TeacherMode {
  state: TeacherModeState;
  unlocked: boolean;
  /** Ask the host again (after unlock/lock/set, or to notice expiry). */
  refresh: () => void;
  /** Enter teacher mode with a session the host issued (setPin / unlock / resetPin). */
  enter: (session: string) => void;
  lock: () => Promise<void>;
}

/** How often the page tells the host the teacher is still active (at most), and re-checks expiry. */
const TOUCH_EVERY_MS = 60_000;

/**
 * Teacher mode as the host sees it: the session token in `teacherSession` is only a claim; the
 * host's `teacher.status` decides. While unlocked, user activity (pointer/keys, at most once a
 * minute) refreshes the host's idle timer, and a minute timer notices expiry so teacher controls
 * disappear by themselves when the teacher walks away.
 */
function useTeacherModeState(store: TeacherSessionStore): TeacherMode {
  const { bridge } = useServices();
  const [session, setSession] = useState<string | null>(() => store.get());
  const [state, setState] = useState<TeacherModeState>({ status: 'checking' });
  const generation = useRef(0);

  useEffect(() => store.subscribe(setSession), [store]);

  const refresh = useCallback(() => {
    const mine = ++generation.current;
    const current = store.get();
    bridge.call('teacher.status', current ? { session: current } : {}).then(
      (s: TeacherStatus) => {
        if (generation.current !== mine) return;
        if (current && !s.unlocked && store.get() === current) store.set(null);
        setState(!s.pinSet ? { status: 'no-pin' } : s.unlocked ? { status: 'unlocked' } : { status: 'locked', retryAfterMs: s.retryAfterMs, resetCodePending: s.resetCodePending });
      },
      (error: unknown) => {
        if (generation.current === mine) setState({ status: 'error', error });
      },
    );
  }, [bridge, store]);

  useEffect(() => {
    refresh();
  }, [refresh, session]);

  const unlocked = state.status === 'unlocked' && session !== null;

  // Keep the host's idle timer fed while the teacher works; notice expiry when they stop.
  useEffect(() => {
    if (!unlocked || !session) return undefined;
    let last = Date.now();
    const onActivity = () => {
      if (Date.now() - last < TOUCH_EVERY_MS) return;
      last = Date.now();
      bridge.call('teacher.touch', { session }).then(
        (r) => {
          if (!r.unlocked) store.set(null);
        },
        () => undefined,
      );
    };
    window.addEventListener('pointerdown', onActivity, true);
    window.addEventListener('keydown', onActivity, true);
    const timer = window.setInterval(refresh, TOUCH_EVERY_MS);
    return () => {
      window.removeEventListener('pointerdown', onActivity, true);
      window.removeEventListener('keydown', onActivity, true);
      window.clearInterval(timer);
    };
  }, [bridge, refresh, session, store, unlocked]);

  const enter = useCallback((s: string) => store.set(s), [store]);
  const lock = useCallback(async () => {
    const s = store.get();
    store.set(null);
    if (s) await bridge.call('teacher.lock', { session: s }).catch(() => undefined);
  }, [bridge, store]);

  return { state, unlocked, refresh, enter, lock };
}

const TeacherModeContext = createContext<TeacherMode | null>(null);

const OUTSIDE: TeacherMode = {
  state: { status: 'checking' },
  unlocked: false,
  refresh: () => undefined,
  enter: () => undefined,
  lock: async () => undefined,
};

/** One teacher-mode state for the whole window (App.tsx puts it inside the services). */
export function TeacherModeProvider({ children, store = teacherSession }: { children: ReactNode; store?: TeacherSessionStore }) {
  const mode = useTeacherModeState(store);
  return createElement(TeacherModeContext.Provider, { value: mode }, children);
}

/** Teacher mode of this window; outside a provider, never unlocked. */
export function useTeacherMode(): TeacherMode {
  return useContext(TeacherModeContext) ?? OUTSIDE;
}
