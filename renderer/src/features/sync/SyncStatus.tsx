import { liveQuery } from 'dexie';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useBridgeEvent, useServices } from '../../app/services';

/** Heartbeats come every 15 s (electron/host/http/server.ts); this long without one means the host is not answering. */
const HOST_SILENCE_MS = 30_000;

function useOnline(): boolean {
  const [online, setOnline] = useState(() => navigator.onLine);
  useEffect(() => {
    const up = () => setOnline(true);
    const down = () => setOnline(false);
    window.addEventListener('online', up);
    window.addEventListener('offline', down);
    return () => {
      window.removeEventListener('online', up);
      window.removeEventListener('offline', down);
    };
  }, []);
  return online;
}

/**
 * Honest placeholder until the sync engine exists: the network state the browser reports, that
 * cloud sync is not configured, how many records wait in the outbox, and whether the local host
 * service is alive (app.heartbeat).
 */
export function SyncStatus() {
  const { t } = useTranslation();
  const { db } = useServices();
  const online = useOnline();
  const [pending, setPending] = useState<number | null>(null);
  const [hostAlive, setHostAlive] = useState<boolean | null>(null);
  const silence = useRef<ReturnType<typeof setTimeout> | null>(null);

  useBridgeEvent('app.heartbeat', () => {
    setHostAlive(true);
    if (silence.current) clearTimeout(silence.current);
    silence.current = setTimeout(() => setHostAlive(false), HOST_SILENCE_MS);
  });
  useEffect(() => () => {
    if (silence.current) clearTimeout(silence.current);
  }, []);

  useEffect(() => {
    if (!db) return;
    const sub = liveQuery(() => db.outbox.count()).subscribe({
      next: (n) => setPending(n),
      error: () => setPending(null),
    });
    return () => sub.unsubscribe();
  }, [db]);

  return (
    <>
      {/* The host stopped answering: not a pill that looks like the others, a plain failure with what to do. */}
      {hostAlive === false ? (
        <div className="host-down" role="alert">
          <strong>{t('sync.hostDown')}</strong> <span>{t('sync.hostDownHelp')}</span>
        </div>
      ) : null}
    <section className="sync-status" role="status" aria-label={t('sync.label')}>
      <span className={`pill ${online ? 'pill-ok' : 'pill-off'}`}>
        <span className="dot" aria-hidden="true" />
        {online ? t('sync.online') : t('sync.offline')}
      </span>
      {hostAlive === true ? <span className="pill pill-ok">{t('sync.hostAlive')}</span> : null}
      {pending !== null ? <span className="pill">{t('sync.pending', { count: pending })}</span> : null}
      <span className="sync-note" title={t('sync.notConfigured')}>
        {t('sync.notConfigured')}
      </span>
    </section>
    </>
  );
}
