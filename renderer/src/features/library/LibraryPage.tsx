import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { RemovableDrive } from '../../../../common/bridge/methods/drives';
import { ErrorMessage } from '../../app/ErrorMessage';
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
      <LessonBrowser />
      <UsbDrives state={drives} active={active} onImport={(pack) => void start(pack)} />
      <InstalledPacks importing={active !== null} drives={driveList ?? []} onExported={onExported} />
    </div>
  );
}
