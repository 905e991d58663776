import { useCallback, useEffect, useRef, useState } from 'react';
import { useBridgeEvent, useServices } from '../../app/services';
import type { CatalogEntry } from '../../db/schema';
import { forgetChangedPacks, syncCatalog } from './catalog';

export interface CatalogState {
  entries: CatalogEntry[] | undefined;
  error: unknown;
  reload: () => void;
}

/**
 * The lesson catalog: what Dexie already has (instant, offline), then synced with the installed
 * packs at mount and on every `packs.changed`.
 */
export function useCatalog(): CatalogState {
  const { bridge, db } = useServices();
  const [entries, setEntries] = useState<CatalogEntry[] | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const generation = useRef(0);

  const sync = useCallback(
    (packs?: Parameters<typeof syncCatalog>[2]) => {
      const mine = ++generation.current;
      syncCatalog(bridge, db, packs).then(
        (rows) => {
          if (generation.current !== mine) return;
          setEntries(rows);
          setError(null);
        },
        (err: unknown) => {
          if (generation.current === mine) setError(err);
        },
      );
    },
    [bridge, db],
  );

  useEffect(() => {
    let live = true;
    if (db) {
      db.catalog.toArray().then(
        (rows) => {
          if (live && rows.length > 0) setEntries((cur) => cur ?? rows);
        },
        () => undefined,
      );
    }
    sync();
    return () => {
      live = false;
      generation.current++;
    };
  }, [db, sync]);

  useBridgeEvent('packs.changed', ({ packs }) => {
    forgetChangedPacks(packs);
    sync(packs);
  });
  return { entries, error, reload: () => sync() };
}
