import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RemovableDrive } from '../../../../common/bridge/methods/drives';
import type { InstalledPack } from '../../../../common/bridge/methods/packs';
import { ConfirmRemove } from '../../app/ConfirmRemove';
import { ErrorMessage } from '../../app/ErrorMessage';
import { pickTitle, useLanguage } from '../../app/localized';
import { useBridgeQuery, useServices } from '../../app/services';
import { formatBytes, formatDate } from '../../format/format';
import { TeacherOnly } from '../teacher/TeacherOnly';
import { ExportPack } from './ExportPack';

/** One installed pack: meta, export to a stick, remove (not while its export runs). */
function InstalledPackItem({
  pack,
  title,
  importing,
  drives,
  onExported,
}: {
  pack: InstalledPack;
  title: string;
  importing: boolean;
  drives: RemovableDrive[];
  onExported: (drive: RemovableDrive) => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { bridge } = useServices();
  const [exporting, setExporting] = useState(false);
  return (
    <li className="pack" aria-label={title}>
      <span className="pack-title">{title}</span>
      <span className="pack-meta">
        {t('library.version', { version: pack.version })} · {t('library.resources', { count: pack.resourceCount })} ·{' '}
        {t('library.size', { size: formatBytes(pack.bytes) })}
      </span>
      <span className="pack-meta muted">{t('library.installedAt', { date: formatDate(pack.installedAt, language) })}</span>
      {/* Export and removal are teacher-mode only (the host refuses them without a teacher session too). */}
      <TeacherOnly quiet>
        <ExportPack pack={pack} drives={drives} disabled={importing} onBusyChange={setExporting} onExported={onExported} />
        <ConfirmRemove title={title} texts="library" disabled={importing || exporting} onRemove={() => bridge.call('packs.remove', { id: pack.id })} />
      </TeacherOnly>
    </li>
  );
}

/** Installed packs from packs.list, refreshed on packs.changed. */
export function InstalledPacks({
  importing = false,
  drives = [],
  onExported = () => {},
}: {
  importing?: boolean;
  /** Mounted sticks: each installed pack can be exported to one of them. */
  drives?: RemovableDrive[];
  onExported?: (drive: RemovableDrive) => void;
}) {
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
        <ul className="pack-grid" aria-label={t('library.installedTitle')}>
            {packs.data.map((pack) => {
              const title = pickTitle(pack.title, language) ?? pack.id;
              return <InstalledPackItem key={pack.id} pack={pack} title={title} importing={importing} drives={drives} onExported={onExported} />;
            })}
        </ul>
      ) : null}
    </section>
  );
}
