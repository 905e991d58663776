/**
 * The app's background sync (issue 8 item 6): once this computer is enrolled, the sync engine
 * (sync/client) runs over the Dexie store and the host's `sync.request`. It syncs at start, every
 * few minutes, soon after anything is written to the outbox (a child's answers), and at once when
 * the browser says the network is back (the engine then probes the cloud itself). Pulled pack
 * releases go to the host downloader and trust documents to the host's trust store; during class
 * hours the downloader is capped (P2).
 */
import type { SyncHostStatus } from '../../../../common/bridge/methods/sync';
import type { DeviceStatus, PackRelease, TrustedKey } from '../../../../sync/protocol/index';
import { bridgeSyncTransport } from '../../../../sync/client/bridge-transport';
import { createSyncEngine, type SyncEngine, type SyncEngineStatus } from '../../../../sync/client/engine';
import type { RendererBridge } from '../../bridge/types';
import type { TeachPointDB } from '../../db/db';
import { DexieSyncStore } from '../../db/sync-store';

/** How often the download cap is re-checked against the class-hours timetable. */
const CAP_CHECK_MS = 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

export interface BackgroundSyncState {
  host: SyncHostStatus | null;
  engine: SyncEngineStatus | null;
}

export interface BackgroundSync {
  getState(): BackgroundSyncState;
  subscribe(listener: (state: BackgroundSyncState) => void): () => void;
  /** "立即同步": run a sync now (no-op when not enrolled). */
  syncNow(): Promise<void>;
  /** Re-read the host's enrollment (after enroll/forget) and start or stop the engine. */
  refresh(): Promise<void>;
  dispose(): void;
}

export interface BackgroundSyncOptions {
  bridge: RendererBridge;
  db: TeachPointDB;
  /** Window to listen on for `online` (tests pass their own EventTarget). */
  window?: Pick<Window, 'addEventListener' | 'removeEventListener'>;
  intervalMs?: number;
  nudgeDelayMs?: number;
}

export function createBackgroundSync(options: BackgroundSyncOptions): BackgroundSync {
  const { bridge, db } = options;
  const win = options.window ?? window;
  const store = new DexieSyncStore(db);
  let state: BackgroundSyncState = { host: null, engine: null };
  const listeners = new Set<(s: BackgroundSyncState) => void>();
  let engine: SyncEngine | null = null;
  let engineFor: string | null = null;
  let unsubscribeEngine: (() => void) | null = null;
  let disposed = false;

  const set = (patch: Partial<BackgroundSyncState>) => {
    state = { ...state, ...patch };
    for (const l of listeners) l(state);
  };

  async function deviceStatus(): Promise<DeviceStatus> {
    const [info, packs, downloads] = await Promise.all([
      bridge.call('app.info', {}).catch(() => null),
      bridge.call('packs.list', {}).catch(() => []),
      bridge.call('downloads.list', {}).catch(() => []),
    ]);
    const bytesToDownload = downloads.filter((d) => d.state !== 'installed').reduce((sum, d) => sum + Math.max(0, d.bytesTotal - d.bytesDone), 0);
    return {
      ...(info ? { appVersion: info.version } : {}),
      installedPacks: packs.slice(0, 1000).map((p) => ({ packId: p.id, version: p.version })),
      bytesToDownload: Math.round(bytesToDownload),
    };
  }

  async function startDownloads(releases: readonly PackRelease[]): Promise<void> {
    const installed = new Map((await bridge.call('packs.list', {})).map((p) => [p.id, p.version]));
    for (const r of releases) {
      if (r.deleted || (installed.get(r.packId) ?? -1) >= r.version) continue;
      await bridge.call('downloads.start', { packId: r.packId, version: r.version, manifestSha256: r.manifestSha256, totalBytes: r.totalBytes });
    }
  }

  async function addTrust(documents: readonly TrustedKey[]): Promise<void> {
    if (documents.length > 0) await bridge.call('downloads.addTrust', { documents: documents.slice(0, 1000) });
  }

  /** The newest live release of each pack, from what pull stored (offered again at every start). */
  async function storedReleases(): Promise<PackRelease[]> {
    const newest = new Map<string, PackRelease>();
    for (const r of await db.packReleases.toArray()) {
      if (r.deleted) continue;
      const seen = newest.get(r.packId);
      if (!seen || seen.version < r.version) newest.set(r.packId, r);
    }
    return [...newest.values()];
  }

  async function applyCap(): Promise<void> {
    try {
      const host = await bridge.call('sync.status', {});
      set({ host });
      await bridge.call('downloads.setBandwidth', { bytesPerSecond: host.capNowBytesPerSecond });
    } catch {
      // The host is busy or gone; the next check tries again.
    }
  }

  function stopEngine(): void {
    engine?.stop();
    unsubscribeEngine?.();
    engine = null;
    engineFor = null;
    unsubscribeEngine = null;
    set({ engine: null });
  }

  async function refresh(): Promise<void> {
    const host = await bridge.call('sync.status', {});
    if (disposed) return;
    set({ host });
    if (!host.enrolled || !host.cloudUrl) {
      stopEngine();
      return;
    }
    const key = `${host.cloudUrl}#${host.deviceId ?? ''}`;
    if (engine && engineFor === key) return;
    stopEngine();
    engine = createSyncEngine({
      store,
      server: host.cloudUrl,
      requestTimeoutMs: REQUEST_TIMEOUT_MS,
      // The push JSON travels inside a bridge call (the HTTP bridge refuses bodies over 1 MiB).
      maxJsonBytes: 512 * 1024,
      transport: bridgeSyncTransport((req) => bridge.call('sync.request', req, { timeoutMs: (req.timeoutMs ?? REQUEST_TIMEOUT_MS) + 5_000 })),
      deviceStatus,
      onPackReleases: startDownloads,
      onTrustedKeys: addTrust,
      ...(options.intervalMs !== undefined ? { intervalMs: options.intervalMs } : {}),
      ...(options.nudgeDelayMs !== undefined ? { nudgeDelayMs: options.nudgeDelayMs } : {}),
    });
    engineFor = key;
    unsubscribeEngine = engine.subscribe((s) => set({ engine: s }));
    set({ engine: engine.getStatus() });
    engine.start();
    // What earlier pulls stored is offered again (the host may have restarted or missed it).
    void db.trustedKeys
      .toArray()
      .then(addTrust)
      .then(storedReleases)
      .then(startDownloads)
      .catch(() => undefined);
  }

  // A child's answer (or any record) was written with its outbox row: sync soon. The hook runs inside
  // the writing transaction, so only a timer is set here.
  const onOutboxWrite = () => {
    setTimeout(() => engine?.nudge(), 0);
  };
  db.outbox.hook('creating', onOutboxWrite);
  const onOnline = () => engine?.networkReturned();
  win.addEventListener('online', onOnline);
  const capTimer = setInterval(() => void applyCap(), CAP_CHECK_MS);
  void refresh().catch(() => undefined);
  void applyCap();

  return {
    getState: () => state,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async syncNow() {
      if (!engine) await refresh();
      await engine?.syncNow();
    },
    refresh,
    dispose() {
      disposed = true;
      stopEngine();
      db.outbox.hook('creating').unsubscribe(onOutboxWrite);
      win.removeEventListener('online', onOnline);
      clearInterval(capTimer);
      listeners.clear();
    },
  };
}
