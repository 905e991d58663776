import { liveQuery } from 'dexie';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { pickText, useLanguage } from '../../app/localized';
import { useBridgeEvent, useServices } from '../../app/services';
import { formatBytes } from '../../format/format';
import { durationText } from './duration-text';
import { useBackgroundSync } from './sync-context';
import { bytesStillToDownload, useDownloads } from './use-downloads';
import './sync.css';

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

/** "14:05" today, "12月1日 14:05" before. */
function formatTime(ms: number, language: string): string {
  const d = new Date(ms);
  const locale = language.startsWith('zh') ? 'zh-CN' : 'en-GB';
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit' });
  return d.toDateString() === new Date().toDateString() ? time : `${d.toLocaleDateString(locale, { month: 'short', day: 'numeric' })} ${time}`;
}

/**
 * The status line under the header: the network the browser reports, the local host service
 * (app.heartbeat), and cloud sync — last sync, what waits to go up and come down, the last error in
 * plain words, and 立即同步.
 */
export function SyncStatus() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { db } = useServices();
  const online = useOnline();
  const { sync, state } = useBackgroundSync();
  const downloads = useDownloads();
  const [pending, setPending] = useState<{ events: number; total: number } | null>(null);
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
    const sub = liveQuery(async () => ({ total: await db.outbox.count(), events: await db.outbox.where('table').equals('events').count() })).subscribe({
      next: (n) => setPending(n),
      error: () => setPending(null),
    });
    return () => sub.unsubscribe();
  }, [db]);

  const enrolled = state.host?.enrolled === true;
  const engine = state.engine;
  const toDownload = bytesStillToDownload(downloads);
  let note: string;
  let noteTitle: string;
  if (!enrolled) {
    note = t('cloudSync.notEnrolled');
    noteTitle = t('cloudSync.notEnrolledHelp');
  } else if (engine?.phase === 'syncing') {
    note = noteTitle = t('cloudSync.syncing');
  } else if (engine?.error) {
    note = noteTitle = pickText(engine.error.message, language);
  } else {
    note = noteTitle = engine?.lastSyncAt ? t('cloudSync.lastSync', { time: formatTime(engine.lastSyncAt, language) }) : t('cloudSync.never');
  }
  const retryIn = engine?.phase === 'retrying' && engine.nextAttemptAt ? Math.max(0, (engine.nextAttemptAt - Date.now()) / 1000) : null;

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
        {pending !== null ? (
          <span className="pill" data-testid="sync-queued">
            {enrolled
              ? t('cloudSync.queued', { events: pending.events }) + (pending.total > pending.events ? t('cloudSync.queuedRecords', { count: pending.total - pending.events }) : '')
              : t('sync.pending', { count: pending.total })}
          </span>
        ) : null}
        {enrolled && toDownload > 0 ? <span className="pill">{t('cloudSync.bytesPending', { size: formatBytes(toDownload) })}</span> : null}
        {enrolled && engine?.error ? (
          <span className="pill pill-warn" title={noteTitle}>
            {retryIn !== null ? t('cloudSync.retrying', { time: durationText(t, retryIn) }) : engine.error.retryable ? t('cloudSync.syncFailed') : t('cloudSync.needsAction')}
          </span>
        ) : null}
        <span className="sync-note" title={noteTitle} data-testid="sync-note">
          {note}
        </span>
        {enrolled && sync ? (
          <button type="button" className="button button-small sync-now" disabled={engine?.phase === 'syncing'} onClick={() => void sync.syncNow()}>
            {t('cloudSync.syncNow')}
          </button>
        ) : null}
      </section>
    </>
  );
}
