import type { RendererBridge } from '../bridge/types';
import type { TeachPointDB } from '../db/db';
import { settlePendingWrites } from '../db/pending-writes';

/**
 * Quit handshake (issue 2 §4): the shell sends `app.willQuit`; we wait for tracked writes
 * (db/pending-writes.ts) to settle — each committed transaction is on disk already (strict
 * durability) — close the database, then answer `app.flushed` so the shell may quit.
 * Returns the unsubscribe function.
 */
export function installQuitHandshake(bridge: RendererBridge, db: TeachPointDB | null): () => void {
  let answered = false;
  return bridge.on('app.willQuit', () => {
    if (answered) return;
    answered = true;
    void settlePendingWrites()
      .then(() => db?.close())
      .catch((err: unknown) => console.warn('[quit] flushing failed', err))
      .then(() => bridge.call('app.flushed', {}))
      .catch((err: unknown) => console.warn('[quit] app.flushed failed', err));
  });
}

/**
 * Ask the browser not to evict our IndexedDB under disk pressure ("best-effort" storage can be
 * cleared when the disk fills; class records must survive that). Chrome grants it to installed or
 * engaged origins; Electron asks the session's permission handler ('persistent-storage').
 * Resolves to the granted state, or null where the API is missing.
 */
export async function requestPersistentStorage(storage: StorageManager | null = navigator.storage ?? null): Promise<boolean | null> {
  if (!storage || typeof storage.persist !== 'function') return null;
  try {
    if (await storage.persisted()) return true;
    return await storage.persist();
  } catch {
    return null;
  }
}
