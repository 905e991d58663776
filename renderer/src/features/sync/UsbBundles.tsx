import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FoundInboundBundle, InboundImportResult, WrittenProgressBundle } from '../../../../common/bridge/methods/bundles';
import type { RemovableDrive } from '../../../../common/bridge/methods/drives';
import { TeachPointError } from '../../../../common/errors/errors';
import { ErrorMessage } from '../../app/ErrorMessage';
import { useServices } from '../../app/services';
import { DexieSyncStore } from '../../db/sync-store';
import { driveName, useDrives } from '../library/UsbDrives';
import { TeacherOnly } from '../teacher/TeacherOnly';
import { exportProgressBundle, importInboundBundle, type ExportProgress } from './usb-bundles';

type Outcome =
  | { kind: 'exported'; written: WrittenProgressBundle }
  | { kind: 'nothing' }
  | { kind: 'imported'; result: InboundImportResult; records: number }
  | { kind: 'error'; error: unknown };

/**
 * 同步包 (USB): for each stick, export this computer's learning progress to it, and import the
 * inbound bundle county staff put on it (docs/bundles.md). Teacher mode only (the host checks too).
 */
export function UsbBundles() {
  const { t } = useTranslation();
  const { bridge, db } = useServices();
  const store = useMemo(() => (db ? new DexieSyncStore(db) : null), [db]);
  const { drives } = useDrives();
  const [inbound, setInbound] = useState<Record<string, FoundInboundBundle[]>>({});
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<ExportProgress | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);

  const scan = useCallback(
    (drive: RemovableDrive) => {
      bridge.call('bundles.scanInbound', { dir: drive.mountPoint }).then(
        (found) => setInbound((s) => ({ ...s, [drive.id]: found })),
        () => setInbound((s) => ({ ...s, [drive.id]: [] })),
      );
    },
    [bridge],
  );
  useEffect(() => {
    for (const d of drives ?? []) scan(d);
  }, [drives, scan]);

  const run = async (key: string, work: () => Promise<Outcome>) => {
    setBusy(key);
    setOutcome(null);
    try {
      setOutcome(await work());
    } catch (error) {
      setOutcome({ kind: 'error', error });
    } finally {
      setBusy(null);
      setProgress(null);
    }
  };

  const exportTo = (drive: RemovableDrive) =>
    run(`export:${drive.id}`, async () => {
      const written = await exportProgressBundle(bridge, store!, drive.mountPoint, setProgress);
      return written ? { kind: 'exported', written } : { kind: 'nothing' };
    });

  const importFrom = (drive: RemovableDrive, bundle: FoundInboundBundle) =>
    run(`import:${bundle.path}`, async () => {
      const result = await importInboundBundle(bridge, store!, bundle.path);
      scan(drive);
      const records = Object.values(result.changes).reduce((n, list) => n + (list?.length ?? 0), 0);
      return { kind: 'imported', result, records };
    });

  return (
    <section className="card usb-bundles" aria-labelledby="usb-bundles-title">
      <h2 id="usb-bundles-title">{t('bundles.title')}</h2>
      <p className="muted">{t('bundles.help')}</p>
      <TeacherOnly>
        {!store ? <p className="empty">{t('bundles.noDatabase')}</p> : null}
        {drives && drives.length === 0 ? <p className="empty">{t('usb.none')}</p> : null}
        {store &&
          (drives ?? []).map((drive) => {
            const name = driveName(drive, t('usb.unnamed'));
            return (
              <article key={drive.id} className="drive" aria-label={t('usb.drive', { name })}>
                <h3 className="drive-name">{t('usb.drive', { name })}</h3>
                <button type="button" className="button button-primary" disabled={busy !== null} onClick={() => void exportTo(drive)}>
                  {busy === `export:${drive.id}` ? t('bundles.exporting', { done: progress?.batchesDone ?? 0, total: progress?.batches ?? '…' }) : t('bundles.export')}
                </button>
                <ul className="inbound-bundles" aria-label={t('bundles.inboundOnDrive')}>
                  {(inbound[drive.id] ?? []).map((b) => (
                    <li key={b.path} className={`inbound-bundle status-${b.status}`}>
                      <span className="file-name">{b.fileName}</span>{' '}
                      {b.status === 'ok' ? (
                        <>
                          <span className="muted">{t('bundles.inboundSummary', { school: b.schoolName, packs: b.packs, records: b.records })}</span>{' '}
                          <button type="button" className="button" disabled={busy !== null} onClick={() => void importFrom(drive, b)}>
                            {busy === `import:${b.path}` ? t('bundles.importing') : t('bundles.import')}
                          </button>
                        </>
                      ) : (
                        <ErrorMessage error={b.error ? TeachPointError.fromData(b.error) : null} title={t('bundles.cannotImport')} />
                      )}
                    </li>
                  ))}
                </ul>
              </article>
            );
          })}
        <div aria-live="polite">
          {outcome?.kind === 'exported' ? <p className="success">{t('bundles.exported', { file: outcome.written.fileName, items: outcome.written.items })}</p> : null}
          {outcome?.kind === 'nothing' ? <p className="success">{t('bundles.nothingToExport')}</p> : null}
          {outcome?.kind === 'imported' ? (
            <p className="success">
              {t('bundles.imported', {
                packs: outcome.result.packs.filter((p) => !p.alreadyInstalled).length,
                records: outcome.records,
                acked: outcome.result.ackedOutboxIds.length,
              })}
            </p>
          ) : null}
          {outcome?.kind === 'error' ? <ErrorMessage error={outcome.error} onDismiss={() => setOutcome(null)} /> : null}
        </div>
      </TeacherOnly>
    </section>
  );
}
