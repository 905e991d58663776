import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../app/ErrorMessage';
import { pickTitle, useLanguage } from '../../app/localized';
import { useBridgeQuery } from '../../app/services';
import { formatBytes, formatDate } from '../../format/format';

/** Installed packs from packs.list, refreshed on packs.changed. */
export function InstalledPacks() {
  const { t } = useTranslation();
  const language = useLanguage();
  const packs = useBridgeQuery('packs.list', {}, ['packs.changed']);
  return (
    <section className="card" aria-labelledby="installed-title">
      <h2 id="installed-title">{t('library.installedTitle')}</h2>
      {packs.error ? <ErrorMessage error={packs.error} onRetry={packs.reload} /> : null}
      {packs.loading && !packs.data ? <p className="muted">{t('library.loading')}</p> : null}
      {packs.data && packs.data.length === 0 ? <p className="empty">{t('library.installedEmpty')}</p> : null}
      {packs.data && packs.data.length > 0 ? (
        <>
          <ul className="pack-grid" aria-label={t('library.installedTitle')}>
            {packs.data.map((pack) => {
              const title = pickTitle(pack.title, language) ?? pack.id;
              return (
                <li key={pack.id} className="pack" aria-label={title}>
                  <span className="pack-title">{title}</span>
                  <span className="pack-meta">
                    {t('library.version', { version: pack.version })} · {t('library.resources', { count: pack.resourceCount })} ·{' '}
                    {t('library.size', { size: formatBytes(pack.bytes) })}
                  </span>
                  <span className="pack-meta muted">{t('library.installedAt', { date: formatDate(pack.installedAt, language) })}</span>
                </li>
              );
            })}
          </ul>
          <p className="muted">{t('library.lessonsComing')}</p>
        </>
      ) : null}
    </section>
  );
}
