import type { BridgeEventName, BridgeEventPayload, BridgeMethodName, BridgeRequest, BridgeResponse } from '../../../common/bridge/contract';
import { isPrivilegedMethod } from '../../../common/bridge/methods/teacher';
import { isTeachPointError } from '../../../common/errors/errors';
import type { CallOptions, RendererBridge } from './types';

/** sessionStorage key: a reload of this tab keeps teacher mode (the host still checks idle expiry). */
export const TEACHER_SESSION_STORAGE_KEY = 'teachpoint.teacherSession';

type Listener = (session: string | null) => void;

/**
 * The teacher session token of this window (docs/architecture.md § Teacher mode). Set when the
 * teacher unlocks with the PIN, cleared on lock, on expiry, or when the host refuses it. Only the
 * host decides what it allows; this is where the renderer keeps the token to carry.
 */
export class TeacherSessionStore {
  private session: string | null;
  private readonly listeners = new Set<Listener>();

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null = safeSessionStorage()) {
    this.session = storage?.getItem(TEACHER_SESSION_STORAGE_KEY) ?? null;
  }

  get(): string | null {
    return this.session;
  }

  set(session: string | null): void {
    if (session === this.session) return;
    this.session = session;
    try {
      if (session) this.storage?.setItem(TEACHER_SESSION_STORAGE_KEY, session);
      else this.storage?.removeItem(TEACHER_SESSION_STORAGE_KEY);
    } catch {
      // storage full or blocked: memory is enough for this page
    }
    for (const l of [...this.listeners]) l(session);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

function safeSessionStorage(): Storage | null {
  try {
    return typeof window !== 'undefined' ? window.sessionStorage : null;
  } catch {
    return null;
  }
}

/** The window's one store (main.tsx wraps the bridge with it; the upload route header reads it too). */
export const teacherSession = new TeacherSessionStore();

/**
 * A bridge that adds `teacherSession` to every privileged call (PRIVILEGED_METHODS) when the teacher
 * is unlocked, and forgets the session when the host answers `teacher.locked` (it expired). Other
 * calls pass through untouched. Features call `bridge.call('packs.remove', { id })` as before.
 */
export function withTeacherSession(inner: RendererBridge, store: TeacherSessionStore = teacherSession): RendererBridge {
  return {
    get transport() {
      return inner.transport;
    },
    async call<M extends BridgeMethodName>(method: M, request: BridgeRequest<M>, options?: CallOptions): Promise<BridgeResponse<M>> {
      const session = store.get();
      const privileged = isPrivilegedMethod(method);
      const req = privileged && session ? ({ ...(request as object), teacherSession: session } as BridgeRequest<M>) : request;
      try {
        return await inner.call(method, req, options);
      } catch (err) {
        if (privileged && isTeachPointError(err) && err.code === 'teacher.locked' && store.get() === session) store.set(null);
        throw err;
      }
    },
    on<E extends BridgeEventName>(event: E, listener: (payload: BridgeEventPayload<E>) => void) {
      return inner.on(event, listener);
    },
    dispose() {
      inner.dispose();
    },
  };
}
