import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router-dom';
import { ErrorMessage } from '../../app/ErrorMessage';
import { useServices } from '../../app/services';
import { teacherSession } from '../../bridge/teacher-session';
import { ContinueWhereLeftOff } from '../lessons/ContinueWhereLeftOff';
import { AssignPanel } from '../people/AssignPanel';
import { ClassesPanel } from '../people/ClassesPanel';
import { listClasses } from '../../db/people';
import { readStudentIdleSeconds, STUDENT_IDLE_CHOICES, useLive, writeStudentIdleSeconds } from '../people/signed-in';
import { CloudSyncPanel } from '../sync/CloudSyncPanel';
import { UsbBundles } from '../sync/UsbBundles';
import { PinPanel } from './PinPanel';
import { useTeacherMode } from './teacher-mode';

/** 教师: behind the PIN — classes and learners, assignments, settings, 我的资料. */
export function TeacherPage() {
  const { t } = useTranslation();
  const mode = useTeacherMode();
  const [params, setParams] = useSearchParams();
  const classId = params.get('class');

  if (mode.state.status === 'checking') return <p className="muted">{t('people.loading')}</p>;
  if (mode.state.status === 'error') return <ErrorMessage error={mode.state.error} onRetry={mode.refresh} />;
  if (!mode.unlocked) {
    return (
      <div className="teacher">
        <h1>{t('teacher.title')}</h1>
        <PinPanel mode={mode} />
      </div>
    );
  }
  return (
    <div className="teacher">
      <div className="teacher-bar">
        <h1>{t('teacher.title')}</h1>
        <span className="notice notice-ok teacher-status" role="status">{t('people.teacherOn')}</span>
        <Link to={classId ? `/teacher/reports?class=${encodeURIComponent(classId)}` : '/teacher/reports'} className="button button-primary">
          {t('reports.open')}
        </Link>
        <button type="button" className="button" onClick={() => void mode.lock()}>
          {t('people.lockButton')}
        </button>
      </div>
      <ContinueWhereLeftOff hideWhenEmpty />
      <ClassesPanel selectedId={classId} onSelect={(id) => setParams(id ? { class: id } : {}, { replace: true })} />
      {classId ? <AssignFor classId={classId} /> : null}
      <TeacherSettings />
      <CloudSyncPanel />
      <UsbBundles />
      <section className="card" aria-labelledby="my-materials">
        <h2 id="my-materials">{t('teacher.materialsTitle')}</h2>
        <p>{t('teacher.materialsBody')}</p>
        <Link to="/materials" className="button">
          {t('teacher.materialsOpen')}
        </Link>
      </section>
    </div>
  );
}

function AssignFor({ classId }: { classId: string }) {
  const { db } = useServices();
  const classes = useLive(db ? () => listClasses(db) : null, [db]);
  const klass = classes?.find((c) => c.id === classId);
  return klass ? <AssignPanel klass={klass} /> : null;
}

function TeacherSettings() {
  const { t } = useTranslation();
  const { db, bridge } = useServices();
  const idle = useLive(db ? () => readStudentIdleSeconds(db) : null, [db]);
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [msg, setMsg] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);

  const changePin = async (e: FormEvent) => {
    e.preventDefault();
    setMsg(null);
    setError(null);
    if (!/^\d{4,8}$/.test(pin)) return setMsg(t('people.pinFormat'));
    if (pin !== pin2) return setMsg(t('people.pinMismatch'));
    try {
      const session = teacherSession.get() ?? undefined;
      const r = await bridge.call('teacher.setPin', session ? { pin, session } : { pin });
      teacherSession.set(r.session);
      setPin('');
      setPin2('');
      setMsg(t('people.pinChanged'));
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card" aria-labelledby="teacher-settings">
      <h2 id="teacher-settings">{t('people.settingsTitle')}</h2>
      {db ? (
        <label className="field">
          <span>{t('people.idleLabel')}</span>
          <select value={idle ?? ''} onChange={(e) => void writeStudentIdleSeconds(db, Number(e.target.value))}>
            {STUDENT_IDLE_CHOICES.map((s) => (
              <option key={s} value={s}>
                {s === 0 ? t('people.idleNever') : s < 120 ? t('people.idleSeconds', { count: s }) : t('people.idleMinutes', { count: s / 60 })}
              </option>
            ))}
          </select>
        </label>
      ) : null}
      <form className="inline-form" onSubmit={(e) => void changePin(e)} aria-label={t('people.changePin')}>
        <label className="field">
          <span>{t('people.newPin')}</span>
          <input type="password" inputMode="numeric" maxLength={8} autoComplete="off" value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} />
        </label>
        <label className="field">
          <span>{t('people.pinAgain')}</span>
          <input type="password" inputMode="numeric" maxLength={8} autoComplete="off" value={pin2} onChange={(e) => setPin2(e.target.value.replace(/\D/g, ''))} />
        </label>
        <button type="submit" className="button">{t('people.changePin')}</button>
      </form>
      {msg ? <p className="notice" role="status">{msg}</p> : null}
      {error ? <ErrorMessage error={error} /> : null}
    </section>
  );
}
