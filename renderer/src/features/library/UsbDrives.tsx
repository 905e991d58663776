import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { DrivePacks, FoundPack, RemovableDrive } from '../../../../common/bridge/methods/drives';
import { ErrorMessage } from '../../app/ErrorMessage';
import { pickTitle, useLanguage } from '../../app/localized';
import { useBridgeEvent, useServices } from '../../app/services';
import { formatBytes } from '../../format/format';
import { TeacherOnly } from '../teacher/TeacherOnly';
import type { ActiveImport } from './use-import';

type Scan = { state: 'scanning' } | { state: 'done'; packs: FoundPack[] } | { state: 'error'; error: unknown };

/** Drives from drives.list + drives.changed; packs on each from drives.scan + drives.packsFound. */
export function useDrives() {
  const { bridge } = useServices();
  const [drives, setDrives] = useState<RemovableDrive[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [scans, setScans] = useState<Record<string, Scan>>({});
  const scansRef = useRef(scans);
  scansRef.current = scans;

  const scan = useCallback(
    (driveId: string) => {
      setScans((s) => ({ ...s, [driveId]: { state: 'scanning' } }));
      bridge.call('drives.scan', { driveId }).then(
        (found: DrivePacks) => setScans((s) => (driveId in s ? { ...s, [driveId]: { state: 'done', packs: found.packs } } : s)),
        (err: unknown) => setScans((s) => (driveId in s ? { ...s, [driveId]: { state: 'error', error: err } } : s)),
      );
    },
    [bridge],
  );

  const load = useCallback(() => {
    bridge.call('drives.list', {}).then(
      (list) => {
        setDrives(list);
        setError(null);
      },
      (err: unknown) => setError(err),
    );
  }, [bridge]);

  useEffect(load, [load]);

  // Scan every drive we have not scanned yet; forget drives that left.
  useEffect(() => {
    if (!drives) return;
    const ids = new Set(drives.map((d) => d.id));
    setScans((s) => {
      const kept: Record<string, Scan> = {};
      for (const [id, v] of Object.entries(s)) if (ids.has(id)) kept[id] = v;
      return Object.keys(kept).length === Object.keys(s).length ? s : kept;
    });
    for (const d of drives) if (!(d.id in scansRef.current)) scan(d.id);
  }, [drives, scan]);

  useBridgeEvent('drives.changed', (payload) => setDrives(payload.drives));
  useBridgeEvent('drives.packsFound', (found) => setScans((s) => ({ ...s, [found.driveId]: { state: 'done', packs: found.packs } })));
  // Installed versions changed: what "new / update / installed" means changed too.
  useBridgeEvent('packs.changed', () => {
    for (const id of Object.keys(scansRef.current)) scan(id);
  });

  return { drives, error, scans, reload: load, rescan: scan };
}

export type DrivesState = ReturnType<typeof useDrives>;

/**
 * What a teacher calls the stick: its label, with the Windows drive letter ("KINGSTON (E:)"); never the
 * raw mount path ("/media/teacher/KINGSTON", "E:\\"). A stick without a label is "未命名 (E:)" or just
 * the last folder name of its mount point.
 */
export function driveName(drive: Pick<RemovableDrive, 'label' | 'mountPoint'>, unnamed: string): string {
  const letter = /^([A-Za-z]):[\\/]?$/.exec(drive.mountPoint)?.[1];
  const label = drive.label?.trim();
  if (letter) return `${label || unnamed} (${letter.toUpperCase()}:)`;
  if (label) return label;
  const last = drive.mountPoint.replace(/[\\/]+$/, '').split(/[\\/]/).pop();
  return last || unnamed;
}

/** The USB panel; its drive state comes from the library page (installed packs export to the same sticks). */
export function UsbDrives({ state, active, onImport }: { state: DrivesState; active: ActiveImport | null; onImport: (pack: FoundPack) => void }) {
  const { t } = useTranslation();
  const { drives, error, scans, reload, rescan } = state;

  return (
    <section className="card usb" aria-labelledby="usb-title">
      <h2 id="usb-title">{t('usb.title')}</h2>
      {error ? <ErrorMessage error={error} onRetry={reload} /> : null}
      {drives && drives.length === 0 ? <p className="empty">{t('usb.none')}</p> : null}
      {drives?.map((drive) => (
        <DriveCard key={drive.id} drive={drive} scan={scans[drive.id]} active={active} onImport={onImport} onRescan={() => rescan(drive.id)} />
      ))}
    </section>
  );
}

function DriveCard({
  drive,
  scan,
  active,
  onImport,
  onRescan,
}: {
  drive: RemovableDrive;
  scan: Scan | undefined;
  active: ActiveImport | null;
  onImport: (pack: FoundPack) => void;
  onRescan: () => void;
}) {
  const { t } = useTranslation();
  const name = driveName(drive, t('usb.unnamed'));
  return (
    <article className="drive" aria-label={t('usb.drive', { name })}>
      <h3 className="drive-name">
        {t('usb.drive', { name })}
        {drive.freeBytes !== null ? <span className="muted drive-free"> · {t('usb.free', { free: formatBytes(drive.freeBytes) })}</span> : null}
      </h3>
      {!scan || scan.state === 'scanning' ? <p className="muted">{t('usb.scanning')}</p> : null}
      {scan?.state === 'error' ? <ErrorMessage error={scan.error} onRetry={onRescan} /> : null}
      {scan?.state === 'done' && scan.packs.length === 0 ? <p className="empty">{t('usb.noPacks')}</p> : null}
      {scan?.state === 'done' && scan.packs.length > 0 ? (
        <ul className="found-packs" aria-label={t('usb.packsOnDrive')}>
          {scan.packs.map((pack) => (
            <FoundPackRow key={pack.path} pack={pack} active={active} onImport={onImport} />
          ))}
        </ul>
      ) : null}
    </article>
  );
}

function FoundPackRow({ pack, active, onImport }: { pack: FoundPack; active: ActiveImport | null; onImport: (pack: FoundPack) => void }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const title = pickTitle(pack.title, language) ?? pack.fileName ?? t('usb.unknownTitle');
  const installed = pack.installedVersion ?? '';
  const canImport = pack.status === 'new' || pack.status === 'update';
  const busy = active !== null;
  return (
    <li className={`found-pack status-${pack.status}`} aria-label={title}>
      <div className="found-pack-main">
        <span className="found-pack-title">{title}</span>
        <span className="found-pack-meta">
          {pack.version !== null ? t('library.version', { version: pack.version }) : null}
          {pack.version !== null ? ' · ' : null}
          {t('library.size', { size: formatBytes(pack.bytes) })} · <span className="file-name">{pack.fileName}</span>
        </span>
        <span className={`badge badge-${pack.status}`}>{t(`usb.status.${pack.status}`, { installed })}</span>
      </div>
      {canImport ? (
        <TeacherOnly>
        <button
          type="button"
          className="button button-primary"
          disabled={busy}
          title={busy ? t('import.busy') : undefined}
          onClick={() => onImport(pack)}
        >
          {pack.status === 'update' ? t('import.updateButton') : t('import.button')}
        </button>
        </TeacherOnly>
      ) : null}
    </li>
  );
}
