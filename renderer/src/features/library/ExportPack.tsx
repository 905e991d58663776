import { useEffect, useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { RemovableDrive } from '../../../../common/bridge/methods/drives';
import type { ExportedPack, InstalledPack } from '../../../../common/bridge/methods/packs';
import { ErrorMessage } from '../../app/ErrorMessage';
import { useServices } from '../../app/services';
import { formatBytes } from '../../format/format';

/** Folder on a stick where exported packs go (drives.scan looks there too). */
export const EXPORT_FOLDER = 'TeachPoint';

/**
 * `<mountPoint>/TeachPoint`, joined with the separator the mount point itself uses:
 * `/media/usb0` → `/media/usb0/TeachPoint`, `E:\` (or `E:`) → `E:\TeachPoint`.
 */
export function exportDirOn(mountPoint: string): string {
  const windows = /^[A-Za-z]:([\\/]|$)/.test(mountPoint) || (mountPoint.includes('\\') && !mountPoint.includes('/'));
  const sep = windows ? '\\' : '/';
  const base = mountPoint.replace(/[\\/]+$/, '');
  return `${base}${sep}${EXPORT_FOLDER}`;
}

/** Name shown for a stick, the same as its card in the USB panel: `KINGSTON (/media/usb0)`. */
export function driveName(drive: RemovableDrive): string {
  return drive.label ? `${drive.label} (${drive.mountPoint})` : drive.mountPoint;
}

function fileNameOf(path: string): string {
  return path.split(/[\\/]/).filter(Boolean).pop() ?? path;
}

type ExportState =
  | { step: 'idle' }
  | { step: 'busy'; drive: RemovableDrive }
  | { step: 'done'; drive: RemovableDrive; file: ExportedPack }
  | { step: 'error'; error: unknown };

/**
 * "导出到 U 盘" for one installed pack: packs.export into `<stick>/TeachPoint`, then the stick is
 * rescanned so the pack shows up there as installed. Shown only while at least one stick is mounted.
 */
export function ExportPack({
  pack,
  drives,
  disabled,
  onBusyChange,
  onExported,
}: {
  pack: InstalledPack;
  drives: RemovableDrive[];
  /** An import is running (it may switch or free blobs this export reads). */
  disabled: boolean;
  onBusyChange?: (busy: boolean) => void;
  onExported: (drive: RemovableDrive) => void;
}) {
  const { t } = useTranslation();
  const { bridge } = useServices();
  const selectId = useId();
  const [state, setState] = useState<ExportState>({ step: 'idle' });
  const [chosenId, setChosenId] = useState<string | null>(null);
  const chosen = drives.find((d) => d.id === chosenId) ?? drives[0] ?? null;
  const busy = state.step === 'busy';

  useEffect(() => onBusyChange?.(busy), [busy, onBusyChange]);

  const run = async (drive: RemovableDrive) => {
    setState({ step: 'busy', drive });
    try {
      const result = await bridge.call('packs.export', { ids: [pack.id], toDir: exportDirOn(drive.mountPoint) });
      const file = result.files.find((f) => f.id === pack.id) ?? result.files[0];
      setState(file ? { step: 'done', drive, file } : { step: 'idle' });
      onExported(drive);
    } catch (error) {
      setState({ step: 'error', error });
    }
  };

  const shownDrive = state.step === 'busy' || state.step === 'done' ? state.drive : null;
  const shownName = shownDrive ? driveName(shownDrive) : '';

  return (
    <div className="pack-export">
      {drives.length > 0 && chosen ? (
        <div className="pack-actions">
          {drives.length > 1 ? (
            <>
              <label htmlFor={selectId} className="visually-hidden">
                {t('export.chooseDrive')}
              </label>
              <select id={selectId} value={chosen.id} disabled={busy} onChange={(e) => setChosenId(e.target.value)}>
                {drives.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.freeBytes !== null ? t('export.driveOption', { name: driveName(d), free: formatBytes(d.freeBytes) }) : driveName(d)}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          <button
            type="button"
            className="button button-small"
            disabled={busy || disabled}
            aria-busy={busy}
            title={disabled ? t('export.waitImport') : undefined}
            onClick={() => void run(chosen)}
          >
            {t('export.button')}
          </button>
        </div>
      ) : null}
      <div role="status" aria-label={t('export.statusLabel')}>
        {state.step === 'busy' ? <p className="muted">{t('export.busy', { drive: shownName })}</p> : null}
        {state.step === 'done' ? (
          <p className="notice notice-ok">
            {t('export.done', { drive: shownName, file: fileNameOf(state.file.path), size: formatBytes(state.file.bytes) })}
          </p>
        ) : null}
      </div>
      {state.step === 'error' ? (
        <ErrorMessage error={state.error} title={t('export.failed')} onDismiss={() => setState({ step: 'idle' })} />
      ) : null}
    </div>
  );
}
