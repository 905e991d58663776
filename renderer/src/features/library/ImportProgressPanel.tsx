import { useTranslation } from 'react-i18next';
import { pickTitle, useLanguage } from '../../app/localized';
import { durationKey, durationParts, formatBytes, fraction } from '../../format/format';
import type { ActiveImport } from './use-import';

/** Progress bar (role=progressbar, aria-label "导入进度"), bytes, ETA, current lesson, cancel. */
export function ImportProgressPanel({ active, onCancel }: { active: ActiveImport; onCancel: () => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const p = active.progress;
  const percent = p ? Math.floor(fraction(p.bytesDone, p.bytesTotal) * 100) : 0;
  const title = pickTitle(active.title, language) ?? p?.packId ?? active.path;
  const phase = p ? p.phase : 'verifying';

  let eta: string;
  if (p && p.etaSeconds !== null && phase === 'copying') {
    const parts = durationParts(p.etaSeconds);
    eta = t('import.eta', { eta: t(durationKey(parts), { ...parts }) });
  } else {
    eta = phase === 'copying' ? t('import.etaUnknown') : '';
  }

  return (
    <section className="import-panel" aria-label={t('import.progressLabel')} aria-live="polite">
      <h3 className="import-title">{title}</h3>
      <p className="import-phase">
        {t(`import.phase.${phase}`)}
        {phase === 'copying' ? ` · ${percent}%` : ''}
      </p>
      <div
        className="progress"
        role="progressbar"
        aria-label={t('import.progressLabel')}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={`${percent}%`}
      >
        <div className="progress-bar" style={{ width: `${percent}%` }} />
      </div>
      <p className="import-numbers">
        {p ? t('import.bytes', { done: formatBytes(p.bytesDone), total: formatBytes(p.bytesTotal) }) : null}
        {eta ? <span className="import-eta"> · {eta}</span> : null}
      </p>
      {p?.currentTitle ? <p className="import-current">{t('import.current', { title: p.currentTitle })}</p> : null}
      <button type="button" className="button button-danger" onClick={onCancel} disabled={active.cancelling}>
        {active.cancelling ? t('import.cancelling') : t('import.cancel')}
      </button>
    </section>
  );
}
