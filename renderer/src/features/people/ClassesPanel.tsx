import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import type { AvatarKey, ClassRecord, LearnerRecord } from '../../../../common/records/records';
import { ErrorMessage } from '../../app/ErrorMessage';
import { useServices } from '../../app/services';
import type { TeachPointDB } from '../../db/db';
import { addLearner, addLearners, createClass, deleteLearner, learnerHasEvents, listClasses, listLearners, updateClass, updateLearner } from '../../db/people';
import { AvatarPicker } from './AvatarPicker';
import { Avatar, avatarName, nextAvatars } from './avatars';
import { parsePastedNames, type PastedNames } from './paste';
import { useLive } from './signed-in';
import './people.css';

/** Classes and their learners (teacher mode): create, rename, paste a list, avatars, move, archive. */
export function ClassesPanel({ selectedId, onSelect }: { selectedId: string | null; onSelect: (id: string | null) => void }) {
  const { t } = useTranslation();
  const { db } = useServices();
  const [showArchived, setShowArchived] = useState(false);
  const classes = useLive(db ? () => listClasses(db, { includeArchived: true }) : null, [db]);
  if (!db) return <p className="notice">{t('people.noDb')}</p>;
  const visible = (classes ?? []).filter((c) => showArchived || !c.archived);
  const selected = classes?.find((c) => c.id === selectedId) ?? null;

  return (
    <div className="people">
      <section className="card" aria-labelledby="classes-title">
        <h2 id="classes-title">{t('people.classesTitle')}</h2>
        {classes && classes.length === 0 ? <p>{t('people.noClasses')}</p> : null}
        <ul className="class-list" aria-label={t('people.classesTitle')}>
          {visible.map((c) => (
            <li key={c.id}>
              <button type="button" className="button class-button" aria-pressed={c.id === selectedId} onClick={() => onSelect(c.id === selectedId ? null : c.id)}>
                {c.name}
                {c.grade ? <span className="muted"> · {c.grade}</span> : null}
                {c.archived ? <span className="muted"> · {t('people.archived')}</span> : null}
              </button>
            </li>
          ))}
        </ul>
        {(classes ?? []).some((c) => c.archived) ? (
          <label className="inline-check">
            <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> {t('people.showArchivedClasses')}
          </label>
        ) : null}
        <NewClassForm db={db} onCreated={(c) => onSelect(c.id)} />
      </section>
      {selected ? <ClassDetail key={selected.id} db={db} klass={selected} classes={(classes ?? []).filter((c) => !c.archived)} /> : null}
    </div>
  );
}

function NewClassForm({ db, onCreated }: { db: TeachPointDB; onCreated: (c: ClassRecord) => void }) {
  const { t } = useTranslation();
  const [name, setName] = useState('');
  const [grade, setGrade] = useState('');
  const [error, setError] = useState<unknown>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!name.trim()) return;
    try {
      const c = await createClass(db, { name: name.trim(), grade: grade.trim() });
      setName('');
      setGrade('');
      onCreated(c);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label={t('people.newClass')}>
      <label className="field">
        <span>{t('people.className')}</span>
        <input value={name} maxLength={64} onChange={(e) => setName(e.target.value)} placeholder={t('people.classNameExample')} />
      </label>
      <label className="field">
        <span>{t('people.classGrade')}</span>
        <input value={grade} maxLength={32} onChange={(e) => setGrade(e.target.value)} placeholder={t('people.classGradeExample')} />
      </label>
      <button type="submit" className="button button-primary" disabled={!name.trim()}>
        {t('people.createClass')}
      </button>
      {error ? <ErrorMessage error={error} /> : null}
    </form>
  );
}

function ClassDetail({ db, klass, classes }: { db: TeachPointDB; klass: ClassRecord; classes: ClassRecord[] }) {
  const { t } = useTranslation();
  const [showArchived, setShowArchived] = useState(false);
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(klass.name);
  const [error, setError] = useState<unknown>(null);
  const learners = useLive(() => listLearners(db, klass.id, { includeArchived: true }), [db, klass.id]);
  const active = (learners ?? []).filter((l) => !l.archived);
  const archived = (learners ?? []).filter((l) => l.archived);
  const guard = (p: Promise<unknown>) => p.catch(setError);

  return (
    <section className="card" aria-labelledby="class-detail-title">
      <div className="class-head">
        {renaming ? (
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              if (name.trim()) void guard(updateClass(db, klass.id, { name: name.trim() }).then(() => setRenaming(false)));
            }}
          >
            <label className="field">
              <span>{t('people.className')}</span>
              <input value={name} maxLength={64} onChange={(e) => setName(e.target.value)} autoFocus />
            </label>
            <button type="submit" className="button button-primary">{t('people.save')}</button>
            <button type="button" className="button" onClick={() => setRenaming(false)}>{t('people.cancel')}</button>
          </form>
        ) : (
          <h2 id="class-detail-title">
            {klass.name} <span className="muted">{t('people.learnerCount', { count: active.length })}</span>
          </h2>
        )}
        <div className="class-actions">
          {!renaming ? <button type="button" className="button button-small" onClick={() => setRenaming(true)}>{t('people.rename')}</button> : null}
          <label className="inline-check">
            <input type="checkbox" checked={klass.picturePassword} onChange={(e) => void guard(updateClass(db, klass.id, { picturePassword: e.target.checked }))} />{' '}
            {t('people.usePicturePasswords')}
          </label>
          <button type="button" className="button button-small" onClick={() => void guard(updateClass(db, klass.id, { archived: !klass.archived }))}>
            {klass.archived ? t('people.restoreClass') : t('people.archiveClass')}
          </button>
        </div>
      </div>
      {klass.picturePassword ? <p className="muted">{t('people.picturePasswordHelp')}</p> : null}
      {error ? <ErrorMessage error={error} onDismiss={() => setError(null)} /> : null}

      <ul className="learner-list" aria-label={t('people.learnersOf', { name: klass.name })}>
        {active.map((l) => (
          <LearnerRow key={l.id} db={db} learner={l} classes={classes} needsPassword={klass.picturePassword} />
        ))}
      </ul>
      {learners && active.length === 0 ? <p>{t('people.noLearners')}</p> : null}

      <AddLearners db={db} klass={klass} existing={learners ?? []} />

      {archived.length > 0 ? (
        <div className="archived-learners">
          <label className="inline-check">
            <input type="checkbox" checked={showArchived} onChange={(e) => setShowArchived(e.target.checked)} /> {t('people.showArchived', { count: archived.length })}
          </label>
          {showArchived ? (
            <ul className="learner-list" aria-label={t('people.archivedLearners')}>
              {archived.map((l) => (
                <li key={l.id} className="learner-row">
                  <Avatar avatar={l.avatar} size={40} />
                  <span className="learner-name">{l.name}</span>
                  <button type="button" className="button button-small" onClick={() => void guard(updateLearner(db, l.id, { archived: false }))}>
                    {t('people.restore')}
                  </button>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}

function LearnerRow({ db, learner, classes, needsPassword }: { db: TeachPointDB; learner: LearnerRecord; classes: ClassRecord[]; needsPassword: boolean }) {
  const { t, i18n } = useTranslation();
  const [editing, setEditing] = useState<null | 'name' | 'avatar' | 'password' | 'remove'>(null);
  const [name, setName] = useState(learner.name);
  const [password, setPassword] = useState<AvatarKey[]>([]);
  const [hasEvents, setHasEvents] = useState<boolean | null>(null);
  const [error, setError] = useState<unknown>(null);
  const guard = (p: Promise<unknown>) =>
    p.then(
      () => setEditing(null),
      (err: unknown) => setError(err),
    );

  return (
    <li className="learner-row" aria-label={learner.name}>
      <Avatar avatar={learner.avatar} size={40} label={avatarName(learner.avatar, i18n.language)} />
      <span className="learner-name">{learner.name}</span>
      {needsPassword ? (
        <span className={learner.picturePassword ? 'muted' : 'warn-text'}>{learner.picturePassword ? t('people.passwordSet') : t('people.passwordMissing')}</span>
      ) : null}
      <span className="learner-actions">
        <button type="button" className="button button-small" onClick={() => setEditing(editing === 'name' ? null : 'name')}>{t('people.rename')}</button>
        <button type="button" className="button button-small" onClick={() => setEditing(editing === 'avatar' ? null : 'avatar')}>{t('people.changeAvatar')}</button>
        <button type="button" className="button button-small" onClick={() => { setPassword([]); setEditing(editing === 'password' ? null : 'password'); }}>{t('people.picturePassword')}</button>
        <label className="move-select">
          <span className="visually-hidden">{t('people.moveTo')}</span>
          <select
            aria-label={t('people.moveToFor', { name: learner.name })}
            value={learner.classId ?? ''}
            onChange={(e) => void guard(updateLearner(db, learner.id, { classId: e.target.value || null }))}
          >
            {classes.map((c) => (
              <option key={c.id} value={c.id}>
                {t('people.inClass', { name: c.name })}
              </option>
            ))}
            <option value="">{t('people.noClass')}</option>
          </select>
        </label>
        <button
          type="button"
          className="button button-small"
          onClick={() => {
            setEditing('remove');
            void learnerHasEvents(db, learner.id).then(setHasEvents);
          }}
        >
          {t('people.remove')}
        </button>
      </span>
      {editing === 'name' ? (
        <form className="inline-form learner-editor" onSubmit={(e) => { e.preventDefault(); if (name.trim()) void guard(updateLearner(db, learner.id, { name: name.trim() })); }}>
          <label className="field">
            <span>{t('people.learnerName')}</span>
            <input value={name} maxLength={64} onChange={(e) => setName(e.target.value)} autoFocus />
          </label>
          <button type="submit" className="button button-primary">{t('people.save')}</button>
        </form>
      ) : null}
      {editing === 'avatar' ? (
        <div className="learner-editor">
          <AvatarPicker label={t('people.pickAvatarFor', { name: learner.name })} selected={[learner.avatar]} onPick={(k) => void guard(updateLearner(db, learner.id, { avatar: k }))} />
        </div>
      ) : null}
      {editing === 'password' ? (
        <div className="learner-editor">
          <p>{t('people.picturePasswordPick')}</p>
          <AvatarPicker
            label={t('people.picturePasswordFor', { name: learner.name })}
            selected={password}
            onPick={(k) => setPassword((p) => (p.includes(k) ? p.filter((x) => x !== k) : p.length < 3 ? [...p, k] : p))}
          />
          <button type="button" className="button button-primary" disabled={password.length < 2} onClick={() => void guard(updateLearner(db, learner.id, { picturePassword: password }))}>
            {t('people.savePicturePassword', { count: password.length })}
          </button>
          {learner.picturePassword ? (
            <button type="button" className="button" onClick={() => void guard(updateLearner(db, learner.id, { picturePassword: null }))}>
              {t('people.clearPicturePassword')}
            </button>
          ) : null}
        </div>
      ) : null}
      {editing === 'remove' && hasEvents !== null ? (
        <div className="learner-editor confirm-remove" role="group" aria-label={t('people.remove')}>
          <p>{hasEvents ? t('people.archiveExplain', { name: learner.name }) : t('people.deleteExplain', { name: learner.name })}</p>
          {hasEvents ? (
            <button type="button" className="button button-danger" onClick={() => void guard(updateLearner(db, learner.id, { archived: true }))}>{t('people.archiveLearner')}</button>
          ) : (
            <>
              <button type="button" className="button button-danger" onClick={() => void guard(deleteLearner(db, learner.id))}>{t('people.deleteLearner')}</button>
              <button type="button" className="button" onClick={() => void guard(updateLearner(db, learner.id, { archived: true }))}>{t('people.archiveLearner')}</button>
            </>
          )}
          <button type="button" className="button" onClick={() => setEditing(null)}>{t('people.cancel')}</button>
        </div>
      ) : null}
      {error ? <ErrorMessage error={error} onDismiss={() => setError(null)} /> : null}
    </li>
  );
}

function AddLearners({ db, klass, existing }: { db: TeachPointDB; klass: ClassRecord; existing: LearnerRecord[] }) {
  const { t } = useTranslation();
  const [mode, setMode] = useState<'one' | 'paste'>('one');
  const [name, setName] = useState('');
  const [avatar, setAvatar] = useState<AvatarKey | null>(null);
  const [text, setText] = useState('');
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const live = existing.filter((l) => !l.deleted);
  const used = live.map((l) => l.avatar);
  const preview: PastedNames | null = text.trim() ? parsePastedNames(text, live.map((l) => l.name)) : null;

  const addOne = async (e: FormEvent) => {
    e.preventDefault();
    const n = name.trim();
    if (!n) return;
    try {
      await addLearner(db, { classId: klass.id, name: n, avatar: avatar ?? nextAvatars(used, 1)[0]! });
      setName('');
      setAvatar(null);
      setResult(t('people.addedOne', { name: n }));
    } catch (err) {
      setError(err);
    }
  };

  const addPasted = async () => {
    if (!preview || preview.names.length === 0) return;
    const avatars = nextAvatars(used, preview.names.length);
    try {
      await addLearners(db, preview.names.map((n, i) => ({ classId: klass.id, name: n, avatar: avatars[i]! })));
      setText('');
      setResult(t('people.addedMany', { count: preview.names.length }));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <div className="add-learners">
      <h3>{t('people.addLearners')}</h3>
      <div className="segmented" role="group" aria-label={t('people.addLearners')}>
        <button type="button" className="button button-small" aria-pressed={mode === 'one'} onClick={() => setMode('one')}>{t('people.addOneMode')}</button>
        <button type="button" className="button button-small" aria-pressed={mode === 'paste'} onClick={() => setMode('paste')}>{t('people.pasteMode')}</button>
      </div>
      {mode === 'one' ? (
        <form className="add-one" onSubmit={(e) => void addOne(e)}>
          <label className="field">
            <span>{t('people.learnerName')}</span>
            <input value={name} maxLength={64} onChange={(e) => setName(e.target.value)} />
          </label>
          <AvatarPicker label={t('people.pickAvatar')} selected={avatar ? [avatar] : []} onPick={setAvatar} size={36} />
          <button type="submit" className="button button-primary" disabled={!name.trim()}>{t('people.addLearner')}</button>
        </form>
      ) : (
        <div className="paste-names">
          <label className="field">
            <span>{t('people.pasteLabel')}</span>
            <textarea rows={6} value={text} onChange={(e) => setText(e.target.value)} placeholder={t('people.pastePlaceholder')} />
          </label>
          {preview ? (
            <div className="paste-preview" role="status">
              <p>{t('people.pasteWillAdd', { count: preview.names.length })}</p>
              {preview.duplicates.length > 0 ? <p className="warn-text">{t('people.pasteDuplicates', { names: preview.duplicates.join('、') })}</p> : null}
              {preview.tooLong.length > 0 ? <p className="warn-text">{t('people.pasteTooLong', { count: preview.tooLong.length })}</p> : null}
              {preview.blank > 0 ? <p className="muted">{t('people.pasteBlank', { count: preview.blank })}</p> : null}
              {preview.headerSkipped ? <p className="muted">{t('people.pasteHeader')}</p> : null}
            </div>
          ) : null}
          <button type="button" className="button button-primary" disabled={!preview || preview.names.length === 0} onClick={() => void addPasted()}>
            {t('people.pasteAdd', { count: preview?.names.length ?? 0 })}
          </button>
        </div>
      )}
      {result ? <p className="notice notice-ok" role="status">{result}</p> : null}
      {error ? <ErrorMessage error={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}
