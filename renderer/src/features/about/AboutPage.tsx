import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../app/ErrorMessage';
import { useBridgeQuery } from '../../app/services';
import { formatBytes } from '../../format/format';
import { AboutPanel } from './AboutPanel';

/** `#/about`: what the technician needs (versions, Node, data folder, safe mode) — off the teaching screens. */
export function AboutPage() {
  const { t } = useTranslation();
  return (
    <div className="about-page">
      <h1>{t('aboutPage.title')}</h1>
      <p className="muted">{t('aboutPage.intro')}</p>
      <AboutPanel />
    </div>
  );
}

/**
 * The one-line footer on every page: version and free disk space (a full disk is the first thing to
 * know when an import fails), and the way to the About page.
 */
export function AboutLine() {
  const { t } = useTranslation();
  const info = useBridgeQuery('app.info', {});
  const storage = useBridgeQuery('storage.usage', {}, ['packs.changed']);
  return (
    <footer className="about-line" aria-label={t('about.label')}>
      <span data-testid="app-version">{info.data ? info.data.version : t('about.loading')}</span>
      <span data-testid="storage-usage">
        {storage.data ? t('about.storageValue', { free: formatBytes(storage.data.freeBytes), total: formatBytes(storage.data.totalBytes) }) : storage.error ? null : t('about.loading')}
      </span>
      {info.error ? <ErrorMessage error={info.error} onRetry={info.reload} /> : null}
      {storage.error ? <ErrorMessage error={storage.error} onRetry={storage.reload} /> : null}
      <Link to="/about" className="about-link">
        {t('aboutPage.link')}
      </Link>
    </footer>
  );
}
