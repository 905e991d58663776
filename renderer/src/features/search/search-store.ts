import { useEffect, useSyncExternalStore } from 'react';
import type { InstalledPack } from '../../../../common/bridge/methods/packs';
import { useServices } from '../../app/services';
import type { RendererBridge } from '../../bridge/types';
import { loadPackContent } from '../lessons/catalog';
import { buildSearchIndex, type SearchIndex, type TextKeys } from './search-index';

export interface SearchIndexState {
  index: SearchIndex | null;
  /** A (re)build is running; `index` may still be the previous one. */
  building: boolean;
  error: unknown;
}

/** Documents per slice of the build; between slices the page handles input and paints. */
const BUILD_CHUNK = 400;

const signature = (packs: readonly InstalledPack[]) =>
  packs
    .map((p) => `${p.id}@${p.version}`)
    .sort()
    .join(',');

/**
 * The in-memory search index of the installed packs, one per bridge. Built from the same manifests
 * as the lesson catalog (loadPackContent's cache), in slices so the UI stays responsive, and rebuilt
 * whenever `packs.changed` reports another set of pack versions. Pinyin keys of titles already seen
 * are kept across rebuilds, so an update recomputes only new titles.
 */
export class SearchIndexStore {
  private state: SearchIndexState = { index: null, building: false, error: null };
  private readonly listeners = new Set<() => void>();
  private readonly keyCache = new Map<string, TextKeys>();
  private current: { signature: string; promise: Promise<SearchIndex> } | null = null;
  private wanted = false;

  constructor(private readonly bridge: RendererBridge) {
    bridge.on('packs.changed', ({ packs }) => {
      // Only rebuild eagerly once someone has used search; otherwise the next ensure() does it.
      if (this.wanted) void this.ensure(packs).catch(() => undefined);
    });
  }

  getState = (): SearchIndexState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  /** The index for the installed packs (`packs`, or asked from the host), building it if needed. */
  async ensure(packs?: InstalledPack[]): Promise<SearchIndex> {
    this.wanted = true;
    let installed: InstalledPack[];
    try {
      installed = packs ?? (await this.bridge.call('packs.list', {}));
    } catch (err) {
      this.set({ error: err });
      throw err;
    }
    const sig = signature(installed);
    if (this.current?.signature === sig) return this.current.promise;
    const promise = this.build(installed);
    this.current = { signature: sig, promise };
    this.set({ building: true, error: null });
    promise.then(
      (index) => {
        if (this.current?.promise === promise) this.set({ index, building: false });
      },
      (err: unknown) => {
        if (this.current?.promise !== promise) return;
        this.current = null;
        this.set({ building: false, error: err });
      },
    );
    return promise;
  }

  private async build(packs: readonly InstalledPack[]): Promise<SearchIndex> {
    const contents = await Promise.all(packs.map((p) => loadPackContent(this.bridge, p.id, p.version)));
    return buildSearchIndex(contents, { cache: this.keyCache, yieldEvery: { chunk: BUILD_CHUNK, pause: nextTask } });
  }

  private set(patch: Partial<SearchIndexState>): void {
    this.state = { ...this.state, ...patch };
    for (const l of this.listeners) l();
  }
}

/** Yield to the event loop (a macrotask, so input events and painting get their turn). */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

const stores = new WeakMap<RendererBridge, SearchIndexStore>();

export function searchIndexStore(bridge: RendererBridge): SearchIndexStore {
  let s = stores.get(bridge);
  if (!s) stores.set(bridge, (s = new SearchIndexStore(bridge)));
  return s;
}

/**
 * The search index state; `build: true` starts (or refreshes) the build on mount. The header's
 * search box passes `false` and warms the index only once the page is idle or the box is focused.
 */
export function useSearchIndex(build: boolean): SearchIndexState & { store: SearchIndexStore } {
  const { bridge } = useServices();
  const store = searchIndexStore(bridge);
  const state = useSyncExternalStore(store.subscribe, store.getState);
  useEffect(() => {
    if (build) void store.ensure().catch(() => undefined);
  }, [build, store]);
  return { ...state, store };
}
