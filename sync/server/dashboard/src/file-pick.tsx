/**
 * A file chooser whose button and "no file" text follow the page's language (the browser's own
 * "Choose File / No file chosen" follows the PC's language instead, English on many county PCs).
 */
import { useTranslation } from 'react-i18next';

export function FilePick({ label, accept, file, onChange }: { label: string; accept: string; file: File | null; onChange: (file: File | null) => void }) {
  const { t } = useTranslation();
  return (
    <span className="file-pick">
      <label className="button">
        <input type="file" className="visually-hidden" accept={accept} onChange={(e) => onChange(e.target.files?.[0] ?? null)} />
        {label}
      </label>
      <span className={file ? 'file-name' : 'muted'}>{file ? file.name : t('app.noFile')}</span>
    </span>
  );
}
