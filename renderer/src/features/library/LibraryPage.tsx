import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { RemovableDrive } from '../../../../common/bridge/methods/drives';
import { ErrorMessage } from '../../app/ErrorMessage';
import { useBridgeQuery } from '../../app/services';
import { pickTitle, useLanguage } from '../../app/localized';
import { ImportProgressPanel } from './ImportProgressPanel';
import { LessonBrowser } from '../lessons/LessonBrowser';
import { InstalledPacks } from './InstalledPacks';
import { UsbDrives, useDrives } from './UsbDrives';
import { useImport } from './use-import';

export function LibraryPage() {
  const { t } = useTranslation();
  const language = useLanguage();
  const { active, outcome, start, cancel, dismiss } = useImport();
  const drives = useDrives();
  const { drives: driveList, rescan } = drives;
  const installed = useBridgeQuery('packs.list', {}, ['packs.changed']);
  const firstRun = installed.data !== undefined && installed.data.length === 0;
  // A stick is in (or nothing is installed yet): its import buttons go above the lessons, visible
  // without scrolling on a 1024×768 projector. Otherwise the one-line "no stick" note goes below.
  const usbFirst = firstRun || (driveList?.length ?? 0) > 0;
  const onExported = useCallback(
    (drive: RemovableDrive) => {
      // The exported .tpk now sits in <stick>/TeachPoint: show it on the stick (as installed).
      if (driveList?.some((d) => d.id === drive.id)) rescan(drive.id);
    },
    [driveList, rescan],
  );

  return (
    <div className="library">
      <h1>{t('library.title')}</h1>
      {active ? <ImportProgressPanel active={active} onCancel={() => void cancel()} /> : null}
      {outcome ? (
        <div className="outcome">
          {outcome.kind === 'done' ? (
            <p className="notice notice-ok" role="status">
              {outcome.result.alreadyInstalled
                ? t('import.alreadyInstalled', { title: pickTitle(outcome.title, language) ?? outcome.result.id })
                : t('import.done', { title: pickTitle(outcome.title, language) ?? outcome.result.id, version: outcome.result.version })}
            </p>
          ) : null}
          {outcome.kind === 'cancelled' ? (
            <p className="notice" role="status">
              {t('import.cancelled')}
            </p>
          ) : null}
          {outcome.kind === 'error' ? <ErrorMessage error={outcome.error} title={t('import.failed')} onDismiss={dismiss} /> : null}
        </div>
      ) : null}
      {firstRun ? <FirstRun /> : null}
      {usbFirst ? <UsbDrives state={drives} active={active} onImport={(pack) => void start(pack)} /> : null}
      <LessonBrowser />
      {usbFirst ? null : <UsbDrives state={drives} active={active} onImport={(pack) => void start(pack)} />}
      <InstalledPacks importing={active !== null} drives={driveList ?? []} onExported={onExported} />
    </div>
  );
}

/** Nothing installed yet: what a U 盘 is and what to click first. */
function FirstRun() {
  const { t } = useTranslation();
  return (
    <section className="card first-run" aria-labelledby="first-run-title">
      <h2 id="first-run-title">{t('firstRun.title')}</h2>
      <ol className="first-run-steps">
        <li>{t('firstRun.step1')}</li>
        <li>{t('firstRun.step2')}</li>
        <li>{t('firstRun.step3')}</li>
      </ol>
    </section>
  );
}
