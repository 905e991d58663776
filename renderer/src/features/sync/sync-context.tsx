import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useServices } from '../../app/services';
import { createBackgroundSync, type BackgroundSync, type BackgroundSyncState } from './background-sync';

const SyncContext = createContext<BackgroundSync | null>(null);

/** Runs the background sync for the app's lifetime (needs the database; without it nothing syncs). */
export function SyncProvider({ children }: { children: ReactNode }) {
  const { bridge, db } = useServices();
  const [sync, setSync] = useState<BackgroundSync | null>(null);
  // Made in an effect, not a memo: StrictMode's mount → cleanup → mount must get a live one back.
  useEffect(() => {
    if (!db) return;
    const made = createBackgroundSync({ bridge, db });
    setSync(made);
    return () => {
      made.dispose();
      setSync(null);
    };
  }, [bridge, db]);
  return <SyncContext.Provider value={sync}>{children}</SyncContext.Provider>;
}

/** The background sync (null outside a provider or without a database) and its live state. */
export function useBackgroundSync(): { sync: BackgroundSync | null; state: BackgroundSyncState } {
  const sync = useContext(SyncContext);
  const [state, setState] = useState<BackgroundSyncState>(() => sync?.getState() ?? { host: null, engine: null });
  useEffect(() => {
    if (!sync) return;
    setState(sync.getState());
    return sync.subscribe(setState);
  }, [sync]);
  return { sync, state };
}
