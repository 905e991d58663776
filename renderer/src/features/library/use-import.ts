import { useCallback, useRef, useState } from 'react';
import type { FoundPack } from '../../../../common/bridge/methods/drives';
import type { ImportProgress, ImportResult } from '../../../../common/bridge/methods/packs';
import { isTeachPointError } from '../../../../common/errors/errors';
import { useBridgeEvent, useServices } from '../../app/services';

export interface ActiveImport {
  path: string;
  /** Title from the stick's manifest; null when we joined an import started elsewhere. */
  title: FoundPack['title'];
  progress: ImportProgress | null;
  cancelling: boolean;
}

export type ImportOutcome =
  | { kind: 'done'; result: ImportResult; title: FoundPack['title'] }
  | { kind: 'cancelled' }
  | { kind: 'error'; error: unknown };

/**
 * One import at a time (the host refuses a second). Progress arrives as packs.importProgress
 * events; a page that reloads mid-import picks the running one up from those events.
 */
export function useImport() {
  const { bridge } = useServices();
  const [active, setActive] = useState<ActiveImport | null>(null);
  const [outcome, setOutcome] = useState<ImportOutcome | null>(null);
  const activeRef = useRef<ActiveImport | null>(null);
  activeRef.current = active;
  const cancelRequested = useRef(false);
  /** True while our own packs.import call is pending (its answer ends the import). */
  const started = useRef(false);

  useBridgeEvent('packs.importProgress', (progress) => {
    if (!started.current) {
      // An import we joined (page reloaded, another window started it): events alone drive it.
      setActive((current) => {
        if (progress.phase === 'done') return current && current.path === progress.path ? null : current;
        return { path: progress.path, title: current?.path === progress.path ? current.title : null, progress, cancelling: current?.cancelling ?? false };
      });
      return;
    }
    setActive((current) => (current && current.path === progress.path ? { ...current, progress } : current));
  });

  const start = useCallback(
    async (pack: FoundPack) => {
      if (activeRef.current) return;
      cancelRequested.current = false;
      started.current = true;
      setOutcome(null);
      setActive({ path: pack.path, title: pack.title, progress: null, cancelling: false });
      try {
        const result = await bridge.call('packs.import', { path: pack.path });
        setOutcome({ kind: 'done', result, title: pack.title });
      } catch (error) {
        const cancelled = cancelRequested.current || (isTeachPointError(error) && /cancel/.test(error.code));
        setOutcome(cancelled ? { kind: 'cancelled' } : { kind: 'error', error });
      } finally {
        started.current = false;
        setActive(null);
      }
    },
    [bridge],
  );

  const cancel = useCallback(async () => {
    if (!activeRef.current) return;
    cancelRequested.current = true;
    setActive((current) => (current ? { ...current, cancelling: true } : current));
    try {
      await bridge.call('packs.cancelImport', {});
    } catch (error) {
      // The import itself still reports how it ended; show why cancelling failed meanwhile.
      setOutcome({ kind: 'error', error });
    }
  }, [bridge]);

  const dismiss = useCallback(() => setOutcome(null), []);

  return { active, outcome, start, cancel, dismiss };
}
