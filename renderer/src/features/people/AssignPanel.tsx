import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AssignmentRecord, ClassRecord } from '../../../../common/records/records';
import { ErrorMessage } from '../../app/ErrorMessage';
import { pickTitle } from '../../app/localized';
import { useBridgeQuery, useServices } from '../../app/services';
import type { TeachPointDB } from '../../db/db';
import { createAssignment, listAssignments, listLearners, removeAssignment } from '../../db/people';
import { loadPackContent } from '../lessons/catalog';
import { useLive } from './signed-in';
import { assignTargets, type AssignTarget } from './targets';
import './people.css';

/** Assign exercise sets and lessons to a class or chosen learners, with an optional due date (teacher mode). */
export function AssignPanel({ klass }: { klass: ClassRecord }) {
  const { t, i18n } = useTranslation();
  const { db, bridge } = useServices();
  const packs = useBridgeQuery('packs.list', {}, ['packs.changed']);
  const [packId, setPackId] = useState<string>('');
  const [targets, setTargets] = useState<AssignTarget[] | null>(null);
  const [targetKey, setTargetKey] = useState('');
  const [everyone, setEveryone] = useState(true);
  const [chosen, setChosen] = useState<string[]>([]);
  const [due, setDue] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const learners = useLive(db ? () => listLearners(db, klass.id) : null, [db, klass.id]);
  const assignments = useLive(db ? () => listAssignments(db, klass.id) : null, [db, klass.id]);

  const pack = packs.data?.find((p) => p.id === packId) ?? packs.data?.[0];
  useEffect(() => {
    if (!pack) return;
    let live = true;
    setTargets(null);
    loadPackContent(bridge, pack.id, pack.version).then(
      (c) => live && setTargets(assignTargets(c)),
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
    };
  }, [bridge, pack]);

  if (!db) return null;
  const target = targets?.find((x) => `${x.kind}:${x.targetId}` === targetKey);
  const title = (x: { title: { 'zh-CN': string } & Record<string, string> }) => pickTitle(x.title, i18n.language) ?? x.title['zh-CN'];

  const assign = async () => {
    if (!target) return;
    setError(null);
    try {
      await createAssignment(db as TeachPointDB, {
        classId: klass.id,
        learnerIds: everyone ? null : chosen,
        kind: target.kind,
        packId: target.packId,
        targetId: target.targetId,
        title: target.title,
        dueDate: due || null,
      });
      setDone(t('people.assigned', { title: title(target) }));
      setTargetKey('');
      setChosen([]);
      setEveryone(true);
      setDue('');
    } catch (err) {
      setError(err);
    }
  };

  return (
    <section className="card" aria-labelledby="assign-title">
      <h2 id="assign-title">{t('people.assignTitle', { name: klass.name })}</h2>
      {packs.data && packs.data.length === 0 ? <p>{t('people.assignNoPacks')}</p> : null}
      {packs.data && packs.data.length > 0 ? (
        <div className="assign-form">
          {packs.data.length > 1 ? (
            <label className="field">
              <span>{t('people.assignPack')}</span>
              <select value={pack?.id ?? ''} onChange={(e) => { setPackId(e.target.value); setTargetKey(''); }}>
                {packs.data.map((p) => (
                  <option key={p.id} value={p.id}>{pickTitle(p.title, i18n.language) ?? p.id}</option>
                ))}
              </select>
            </label>
          ) : null}
          <label className="field">
            <span>{t('people.assignWhat')}</span>
            <select value={targetKey} onChange={(e) => setTargetKey(e.target.value)} aria-label={t('people.assignWhat')}>
              <option value="">{targets ? t('people.assignPick') : t('people.loading')}</option>
              {(targets ?? []).map((x) => (
                <option key={`${x.kind}:${x.targetId}`} value={`${x.kind}:${x.targetId}`}>
                  {x.kind === 'exercise-set' ? t('people.kindSet', { title: title(x), lesson: x.path.at(-1) ?? '' }) : t('people.kindLesson', { title: title(x) })}
                </option>
              ))}
            </select>
          </label>
          <fieldset className="assign-who">
            <legend>{t('people.assignWho')}</legend>
            <label className="inline-check">
              <input type="radio" name="assign-who" checked={everyone} onChange={() => setEveryone(true)} /> {t('people.assignEveryone')}
            </label>
            <label className="inline-check">
              <input type="radio" name="assign-who" checked={!everyone} onChange={() => setEveryone(false)} /> {t('people.assignChosen')}
            </label>
            {!everyone ? (
              <div className="assign-learners">
                {(learners ?? []).map((l) => (
                  <label key={l.id} className="inline-check">
                    <input type="checkbox" checked={chosen.includes(l.id)} onChange={(e) => setChosen((c) => (e.target.checked ? [...c, l.id] : c.filter((x) => x !== l.id)))} /> {l.name}
                  </label>
                ))}
              </div>
            ) : null}
          </fieldset>
          <label className="field">
            <span>{t('people.assignDue')}</span>
            <input type="date" value={due} onChange={(e) => setDue(e.target.value)} />
          </label>
          <button type="button" className="button button-primary" disabled={!target || (!everyone && chosen.length === 0)} onClick={() => void assign()}>
            {t('people.assignButton')}
          </button>
        </div>
      ) : null}
      {done ? <p className="notice notice-ok" role="status">{done}</p> : null}
      {error ? <ErrorMessage error={error} onDismiss={() => setError(null)} /> : null}
      <h3>{t('people.assignedList')}</h3>
      {assignments && assignments.length === 0 ? <p className="muted">{t('people.noAssignments')}</p> : null}
      <ul className="assignment-list" aria-label={t('people.assignedList')}>
        {(assignments ?? []).map((a) => (
          <AssignmentRow key={a.id} a={a} names={new Map((learners ?? []).map((l) => [l.id, l.name]))} onRemove={() => void removeAssignment(db, a.id).catch(setError)} />
        ))}
      </ul>
    </section>
  );
}

function AssignmentRow({ a, names, onRemove }: { a: AssignmentRecord; names: Map<string, string>; onRemove: () => void }) {
  const { t, i18n } = useTranslation();
  const who = a.learnerIds === null ? t('people.assignEveryone') : a.learnerIds.map((id) => names.get(id) ?? '?').join('、');
  return (
    <li className="assignment-row">
      <span className="assignment-kind">{a.kind === 'exercise-set' ? t('people.kindSetShort') : t('people.kindLessonShort')}</span>
      <span className="assignment-title">{pickTitle(a.title, i18n.language) ?? a.title['zh-CN']}</span>
      <span className="muted">{who}</span>
      {a.dueDate ? <span className="muted">{t('people.dueOn', { date: a.dueDate })}</span> : null}
      <button type="button" className="button button-small" onClick={onRemove}>{t('people.unassign')}</button>
    </li>
  );
}
