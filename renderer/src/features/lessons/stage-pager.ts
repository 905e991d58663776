import { createContext, useContext, useEffect } from 'react';

/**
 * A viewer with pages of its own (a PDF) tells the lesson page how to turn them, so the presenter
 * keys (PageDown/→/↓, PageUp/←/↑) turn pages first and move to the next/previous resource only at
 * the first or last page. `next`/`prev` return false when there is no page left that way.
 */
export interface StagePager {
  next(): boolean;
  prev(): boolean;
}

export interface StagePagerSlot {
  set(pager: StagePager | null): void;
}

export const StagePagerContext = createContext<StagePagerSlot | null>(null);

/** Register `pager` with the surrounding lesson page (if any) while mounted. */
export function useStagePager(pager: StagePager): void {
  const slot = useContext(StagePagerContext);
  useEffect(() => {
    if (!slot) return;
    slot.set(pager);
    return () => slot.set(null);
  }, [slot, pager]);
}

/** Presenter-remote keys (they send PageUp/PageDown; keyboards have arrows too). */
export function pagingDirection(key: string): 1 | -1 | 0 {
  if (key === 'PageDown' || key === 'ArrowRight' || key === 'ArrowDown') return 1;
  if (key === 'PageUp' || key === 'ArrowLeft' || key === 'ArrowUp') return -1;
  return 0;
}
