import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MATERIAL_KINDS, type Material, type MaterialProgress } from '../../../../common/bridge/methods/materials';
import { ConfirmRemove } from '../../app/ConfirmRemove';
import { ErrorMessage } from '../../app/ErrorMessage';
import { useLanguage } from '../../app/localized';
import { useBridgeEvent, useBridgeQuery, useServices } from '../../app/services';
import { formatBytes, formatDate } from '../../format/format';
import { TeacherOnly } from '../teacher/TeacherOnly';

/** What the browser's file chooser offers (the host decides in the end, by probing the file). */
const ACCEPT = 'video/*,audio/*,image/*,application/pdf,.pdf,.avi,.wmv,.flv,.rmvb,.rm,.mkv,.mpg,.mpeg,.vob,.3gp,.wma,.amr';

/** 我的资料: the teacher's own files — add (native dialog in Electron, upload in a browser), list, remove. */
export function MaterialsPage() {
  const { t } = useTranslation();
  const { bridge, platform } = useServices();
  const list = useBridgeQuery('materials.list', {}, ['materials.changed']);
  const [busy, setBusy] = useState<string | null>(null);
  const [progress, setProgress] = useState<MaterialProgress | null>(null);
  const [added, setAdded] = useState<Material | null>(null);
  const [error, setError] = useState<unknown>(null);
  const input = useRef<HTMLInputElement>(null);
  useBridgeEvent('materials.progress', (p) => setProgress(p));

  const run = async (name: string, add: () => Promise<Material>) => {
    setBusy(name);
    setProgress(null);
    setError(null);
    setAdded(null);
    try {
      setAdded(await add());
      list.reload();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(null);
    }
  };

  const pick = async () => {
    const paths = await platform.pickFiles([...MATERIAL_KINDS]);
    for (const path of paths) await run(path.split(/[\\/]/).pop() ?? path, () => bridge.call('materials.add', { path }));
  };

  const upload = async (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) await run(file.name, () => platform.uploadMaterial(file));
    if (input.current) input.current.value = '';
  };

  return (
    <div className="materials">
      <h1>{t('materials.title')}</h1>
      <section className="card" aria-labelledby="materials-add">
        <h2 id="materials-add">{t('materials.add')}</h2>
        <p>{t('materials.intro')}</p>
        <p className="muted">{t('materials.accepts')}</p>
        <TeacherOnly>
        {platform.supportsFilePicker() ? (
          <button type="button" className="button button-primary" disabled={busy !== null} onClick={() => void pick().catch(setError)}>
            {t('materials.add')}
          </button>
        ) : platform.supportsUpload() ? (
          <label className="button button-primary file-button">
            {t('materials.choose')}
            <input ref={input} type="file" className="visually-hidden" accept={ACCEPT} multiple disabled={busy !== null} onChange={(e) => void upload(e.target.files)} />
          </label>
        ) : (
          <p className="notice">{t('materials.unsupported')}</p>
        )}
        </TeacherOnly>
        {busy ? (
          <div className="notice" role="status">
            <p>{t('materials.adding', { name: busy })}</p>
            {progress ? <p>{t(`materials.phase.${progress.phase}`)}</p> : null}
            {progress?.phase === 'converting' && progress.fraction !== null ? (
              <progress max={100} value={Math.round(progress.fraction * 100)} aria-label={t('materials.phase.converting')} />
            ) : null}
          </div>
        ) : null}
        {added && !busy ? (
          <p className="notice notice-ok" role="status">
            {t('materials.added', { title: added.title })}
          </p>
        ) : null}
        {error ? <ErrorMessage error={error} title={t('materials.failed')} onDismiss={() => setError(null)} /> : null}
      </section>
      <section className="card" aria-labelledby="materials-list">
        <h2 id="materials-list">{t('materials.list')}</h2>
        {list.error ? <ErrorMessage error={list.error} onRetry={list.reload} /> : null}
        {list.data && list.data.length === 0 ? <p className="empty">{t('materials.empty')}</p> : null}
        {list.data && list.data.length > 0 ? (
          <ul className="pack-grid" aria-label={t('materials.list')}>
            {list.data.map((m) => (
              <MaterialRow key={m.id} material={m} />
            ))}
          </ul>
        ) : null}
      </section>
    </div>
  );
}

function MaterialRow({ material: m }: { material: Material }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { bridge, platform } = useServices();
  const kind = t(`lesson.kinds.${m.kind}`);
  const preview = m.kind === 'image' ? m.blob : m.thumbnail;
  return (
    <li className="pack material" aria-label={m.title}>
      {preview ? <img className="material-thumb" src={platform.mediaUrl(preview.sha256)} alt="" /> : null}
      <span className="pack-title">{m.title}</span>
      <span className="pack-meta">
        {kind} · {t('materials.size', { size: formatBytes(m.blob.size) })}
        {m.converted ? ` · ${t('materials.converted')}` : ''}
      </span>
      <span className="pack-meta muted">
        {t('materials.addedAt', { date: formatDate(m.addedAt, language) })} ·{' '}
        {m.attachedTo.length > 0 ? t('materials.attachedCount', { count: m.attachedTo.length }) : t('materials.notAttached')}
      </span>
      <TeacherOnly quiet>
        <ConfirmRemove title={m.title} texts="materials" onRemove={() => bridge.call('materials.remove', { id: m.id })} />
      </TeacherOnly>
    </li>
  );
}
