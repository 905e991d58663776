import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';
import type {
  BridgeEventName,
  BridgeEventPayload,
  BridgeMethodName,
  BridgeRequest,
  BridgeResponse,
} from '../../../common/bridge/contract';
import type { RendererBridge } from '../bridge/types';
import type { TeachPointDB } from '../db/db';
import type { BasePlatform } from '../platform/base-platform';

/** What the UI needs from its surroundings; built once in main.tsx (or by a test). */
export interface Services {
  bridge: RendererBridge;
  platform: BasePlatform;
  /** Null when the database could not be opened (the library still works; see SyncStatus). */
  db: TeachPointDB | null;
}

const ServicesContext = createContext<Services | null>(null);

export function ServicesProvider({ services, children }: { services: Services; children: ReactNode }) {
  return <ServicesContext.Provider value={services}>{children}</ServicesContext.Provider>;
}

export function useServices(): Services {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('useServices() outside <ServicesProvider>');
  return services;
}

/** Subscribe to a bridge event for the lifetime of the component. The latest listener is always used. */
export function useBridgeEvent<E extends BridgeEventName>(event: E, listener: (payload: BridgeEventPayload<E>) => void): void {
  const { bridge } = useServices();
  const ref = useRef(listener);
  ref.current = listener;
  useEffect(() => bridge.on(event, (payload) => ref.current(payload)), [bridge, event]);
}

export interface QueryState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/**
 * Call a bridge method on mount and whenever one of `refreshOn` events arrives. Keeps the last
 * good data while reloading; a failed reload shows the error next to it.
 */
export function useBridgeQuery<M extends BridgeMethodName>(
  method: M,
  request: BridgeRequest<M>,
  refreshOn: readonly BridgeEventName[] = [],
): QueryState<BridgeResponse<M>> {
  const { bridge } = useServices();
  const [data, setData] = useState<BridgeResponse<M> | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const requestKey = JSON.stringify(request ?? {});
  const generation = useRef(0);

  const reload = useCallback(() => {
    const mine = ++generation.current;
    setLoading(true);
    bridge.call(method, JSON.parse(requestKey) as BridgeRequest<M>).then(
      (value) => {
        if (generation.current !== mine) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (err: unknown) => {
        if (generation.current !== mine) return;
        setError(err);
        setLoading(false);
      },
    );
  }, [bridge, method, requestKey]);

  useEffect(() => {
    reload();
    return () => {
      // Intentional: bumping the counter makes any in-flight answer stale.
      // eslint-disable-next-line react-hooks/exhaustive-deps
      generation.current++;
    };
  }, [reload]);

  const refreshKey = refreshOn.join(',');
  useEffect(() => {
    const offs = (refreshKey ? (refreshKey.split(',') as BridgeEventName[]) : []).map((name) => bridge.on(name, () => reload()));
    return () => offs.forEach((off) => off());
  }, [bridge, refreshKey, reload]);

  return { data, error, loading, reload };
}
