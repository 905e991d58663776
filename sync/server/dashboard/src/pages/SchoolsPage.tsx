/** 教学点: every teaching point with its computers — last sync (red after 7 days), queued records, bytes to download, installed packs. */
import { useTranslation } from 'react-i18next';
import { pickTitle } from '../../../../../renderer/src/app/localized';
import { api, countyQuery, type PackVersion, type SchoolOverview } from '../api';
import type { PageProps } from '../App';
import { formatBytes } from '../../../../../common/format/bytes';
import { count, isStale, relativeTime } from '../format';
import { LoadView, useLoad } from '../load';

export function SchoolsPage({ countyId }: PageProps) {
  const { t, i18n } = useTranslation();
  const lng = i18n.language;
  // Pack versions only to name the installed packs by title (devices report ids).
  const loaded = useLoad(async () => {
    const [schools, packs] = await Promise.all([api<SchoolOverview[]>('GET', `/admin/dashboard/schools${countyQuery(countyId)}`), api<PackVersion[]>('GET', '/admin/packs')]);
    return { schools, titles: new Map(packs.map((p) => [p.packId, p.title])) };
  }, countyId ?? '');
  const now = Date.now();
  return (
    <section aria-labelledby="schools-heading">
      <div className="page-head">
        <h1 id="schools-heading">{t('schools.heading')}</h1>
        <button type="button" onClick={loaded.reload}>
          {t('app.refresh')}
        </button>
      </div>
      <LoadView loaded={loaded}>
        {({ schools, titles }) =>
          schools.length === 0 ? (
            <p className="muted">{t('schools.empty')}</p>
          ) : (
            <>
              <p className="summary">
                {t('schools.summary', {
                  schools: schools.length,
                  devices: schools.reduce((n, s) => n + s.devices.length, 0),
                  stale: schools.filter((s) => isStale(s.lastSyncAt, now)).length,
                })}{' '}
                <span className="stale-hint">{t('schools.staleHint')}</span>
              </p>
              <table className="data" data-testid="schools-table">
                <thead>
                  <tr>
                    <th>{t('schools.school')}</th>
                    <th>{t('schools.devices')}</th>
                    <th>{t('schools.lastSync')}</th>
                    <th className="num">{t('schools.queued')}</th>
                    <th className="num">{t('schools.toDownload')}</th>
                    <th>{t('schools.packs')}</th>
                  </tr>
                </thead>
                <tbody>
                  {schools.map((s) => {
                    const packs = [...new Set(s.devices.flatMap((d) => (d.installedPacks ?? []).map((p) => `${pickTitle(titles.get(p.packId), lng) ?? p.packId} v${p.version}`)))];
                    return (
                      <tr key={s.id} data-school={s.name}>
                        <th scope="row">
                          {s.name}
                          {countyId === null && <div className="muted small">{s.countyName}</div>}
                        </th>
                        <td>
                          {s.devices.length === 0 ? (
                            <span className="muted">{t('schools.noDevices')}</span>
                          ) : (
                            <ul className="plain">
                              {s.devices.map((d) => {
                                const last = [d.lastPushAt, d.lastPullAt].filter((x): x is string => x !== null).sort().pop() ?? null;
                                return (
                                  <li key={d.id} data-device={d.name}>
                                    {d.name}
                                    <span className={isStale(last, now) ? 'stale small' : 'muted small'}> · {last ? relativeTime(last, now, lng) : t('time.never')}</span>
                                  </li>
                                );
                              })}
                            </ul>
                          )}
                        </td>
                        <td className={isStale(s.lastSyncAt, now) ? 'stale' : undefined} data-testid="last-sync" title={s.lastSyncAt ?? undefined}>
                          {s.lastSyncAt ? relativeTime(s.lastSyncAt, now, lng) : t('time.never')}
                        </td>
                        <td className="num" data-testid="queued">
                          {count(s.queuedEvents, lng)}
                        </td>
                        <td className="num">{formatBytes(s.bytesToDownload)}</td>
                        <td>{packs.length ? packs.join(lng.startsWith('zh') ? '、' : ', ') : <span className="muted">—</span>}</td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </>
          )
        }
      </LoadView>
    </section>
  );
}
