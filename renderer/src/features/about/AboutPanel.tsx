import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../app/ErrorMessage';
import { useBridgeQuery, useServices } from '../../app/services';
import { formatBytes } from '../../format/format';

/** The About page's details: app.info (version, shell, Node, data dir), storage.usage ("可用 12.3 GB / 共 250 GB"), safe mode. */
export function AboutPanel() {
  const { t } = useTranslation();
  const { platform, bridge } = useServices();
  const info = useBridgeQuery('app.info', {});
  const storage = useBridgeQuery('storage.usage', {}, ['packs.changed']);
  const [safeModeNote, setSafeModeNote] = useState<{ on: boolean } | null>(null);
  const [safeModeError, setSafeModeError] = useState<unknown>(null);

  const toggleSafeMode = async (enabled: boolean) => {
    setSafeModeError(null);
    try {
      const result = await bridge.call('app.setSafeMode', { enabled });
      setSafeModeNote({ on: result.safeMode });
    } catch (err) {
      setSafeModeError(err);
    }
  };

  const safeModeOn = safeModeNote ? safeModeNote.on : info.data?.safeMode ?? false;

  return (
    <section className="about card" aria-label={t('about.label')}>
      {info.error ? <ErrorMessage error={info.error} onRetry={info.reload} /> : null}
      {storage.error ? <ErrorMessage error={storage.error} onRetry={storage.reload} /> : null}
      <dl className="about-list">
        <div className="about-storage">
          <dt>{t('about.storage')}</dt>
          <dd data-testid="storage-usage">
            {storage.data
              ? t('about.storageValue', { free: formatBytes(storage.data.freeBytes), total: formatBytes(storage.data.totalBytes) })
              : t('about.loading')}
            {storage.data ? <span className="muted"> · {t('about.usedByApp', { used: formatBytes(storage.data.usedByAppBytes) })}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{t('about.version')}</dt>
          <dd data-testid="app-version">{info.data ? info.data.version : t('about.loading')}</dd>
        </div>
        <div>
          <dt>{t('about.shell')}</dt>
          <dd>
            {info.data
              ? `${info.data.shell === 'electron' ? t('about.shellElectron') : t('about.shellBrowser')}${info.data.electronVersion ? ` (Electron ${info.data.electronVersion})` : ''} · ${info.data.platform}/${info.data.arch}`
              : t('about.loading')}
          </dd>
        </div>
        <div>
          <dt>{t('about.node')}</dt>
          <dd>{info.data ? info.data.nodeVersion : t('about.loading')}</dd>
        </div>
        <div className="about-wide">
          <dt>{t('about.dataDir')}</dt>
          <dd className="path">{info.data ? info.data.dataDir : t('about.loading')}</dd>
        </div>
        {platform.supportsSafeModeSwitch() && info.data ? (
          <div className="about-wide">
            <dt>{t('about.safeMode')}</dt>
            <dd>
              {safeModeOn ? t('about.safeModeOn') : t('about.safeModeOff')}{' '}
              <button type="button" className="button button-small" onClick={() => void toggleSafeMode(!safeModeOn)}>
                {safeModeOn ? t('about.safeModeTurnOff') : t('about.safeModeTurnOn')}
              </button>
              {safeModeNote ? <span className="muted"> {t('about.restartRequired')}</span> : null}
              {safeModeError ? <ErrorMessage error={safeModeError} /> : null}
            </dd>
          </div>
        ) : null}
      </dl>
    </section>
  );
}
