import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import type { PackContent } from '../../../../common/bridge/methods/lessons';
import type { AvatarKey, ClassRecord, LearnerRecord } from '../../../../common/records/records';
import { pickTitle } from '../../app/localized';
import { useServices } from '../../app/services';
import type { TeachPointDB } from '../../db/db';
import { assignmentsForLearner, listClasses, listLearners } from '../../db/people';
import { trackWrite } from '../../db/pending-writes';
import { loadPackContent } from '../lessons/catalog';
import { Avatar, AVATAR_KEYS, avatarName } from '../people/avatars';
import { picturePasswordMatches, signIn, signOut, useLive, useSignedInLearner } from '../people/signed-in';
import { findTarget } from '../people/targets';
import { assignmentProgress, starCount } from './progress';
import '../people/people.css';

/** Settings key: the class this PC shows first on the student screen. */
const STUDENT_CLASS_SETTING = 'student.classId';

/**
 * 学生 on a shared PC: pick the class, tap your picture (and your picture password if the class
 * uses them) → your own assignments, stars and history. "换下一位同学" signs out in one tap.
 */
export function StudentPage() {
  const { t } = useTranslation();
  const { db } = useServices();
  const signedIn = useSignedInLearner();
  if (!db) {
    return (
      <div className="student">
        <h1>{t('student.title')}</h1>
        <p className="notice">{t('people.noDb')}</p>
      </div>
    );
  }
  if (signedIn.status === 'loading') return <p className="muted">{t('people.loading')}</p>;
  if (signedIn.status === 'signed-in') return <StudentHome db={db} learner={signedIn.learner} />;
  return <SignIn db={db} />;
}

function SignIn({ db }: { db: TeachPointDB }) {
  const { t, i18n } = useTranslation();
  const classes = useLive(() => listClasses(db), [db]);
  const remembered = useLive(() => db.settings.get(STUDENT_CLASS_SETTING).then((s) => (typeof s?.value === 'string' ? s.value : null)), [db]);
  const [picked, setPicked] = useState<string | null>(null);
  const [asking, setAsking] = useState<LearnerRecord | null>(null);
  const klass: ClassRecord | undefined =
    classes?.find((c) => c.id === picked) ?? classes?.find((c) => c.id === remembered) ?? (classes?.length === 1 ? classes[0] : undefined);
  const learners = useLive(() => (klass ? listLearners(db, klass.id) : Promise.resolve([])), [db, klass?.id]);

  const choose = (c: ClassRecord) => {
    setPicked(c.id);
    void trackWrite(db.settings.put({ key: STUDENT_CLASS_SETTING, value: c.id }));
  };
  const tap = (l: LearnerRecord) => {
    if (klass?.picturePassword && l.picturePassword) setAsking(l);
    else void signIn(db, l.id);
  };

  if (classes && classes.length === 0) {
    return (
      <div className="student">
        <h1>{t('student.title')}</h1>
        <p className="card">{t('people.studentNoClasses')}</p>
      </div>
    );
  }
  if (asking) return <PicturePasswordPad learner={asking} onBack={() => setAsking(null)} onOk={() => void signIn(db, asking.id)} />;

  return (
    <div className="student">
      <h1 className="visually-hidden">{t('student.title')}</h1>
      {classes && classes.length > 1 ? (
        <div className="class-tabs" role="group" aria-label={t('people.pickClass')}>
          {classes.map((c) => (
            <button key={c.id} type="button" className="button class-tab" aria-pressed={c.id === klass?.id} onClick={() => choose(c)}>
              {c.name}
            </button>
          ))}
        </div>
      ) : null}
      {klass ? (
        <>
          <h2 className="student-prompt">{t('people.whoAreYou', { name: klass.name })}</h2>
          <ul className="avatar-tiles" aria-label={t('people.learnersOf', { name: klass.name })}>
            {(learners ?? []).map((l) => (
              <li key={l.id}>
                <button type="button" className="avatar-tile" onClick={() => tap(l)} aria-label={l.name}>
                  <Avatar avatar={l.avatar} size={88} label={avatarName(l.avatar, i18n.language)} />
                  <span className="avatar-tile-name">{l.name}</span>
                </button>
              </li>
            ))}
          </ul>
          {learners && learners.length === 0 ? <p>{t('people.noLearnersStudent')}</p> : null}
        </>
      ) : classes ? (
        <p className="student-prompt">{t('people.pickClass')}</p>
      ) : null}
    </div>
  );
}

/** 9 pictures (the child's 2–3 among others, in a fixed order per child); tap yours in order. */
function PicturePasswordPad({ learner, onBack, onOk }: { learner: LearnerRecord; onBack: () => void; onOk: () => void }) {
  const { t, i18n } = useTranslation();
  const [taps, setTaps] = useState<AvatarKey[]>([]);
  const [wrong, setWrong] = useState(false);
  const expected = useMemo(() => learner.picturePassword ?? [], [learner.picturePassword]);
  const choices = useMemo(() => padChoices(learner.id, expected), [learner.id, expected]);
  const tap = (k: AvatarKey) => {
    const next = [...taps, k];
    if (next.length < expected.length) return setTaps(next);
    if (picturePasswordMatches(expected, next)) onOk();
    else {
      setWrong(true);
      setTaps([]);
    }
  };
  return (
    <div className="student picture-pad">
      <div className="pad-head">
        <Avatar avatar={learner.avatar} size={72} />
        <h2>{t('people.padPrompt', { name: learner.name, count: expected.length })}</h2>
      </div>
      <p className="pad-dots" aria-live="polite">
        {expected.map((_, i) => (
          <span key={i} className={i < taps.length ? 'pad-dot pad-dot-on' : 'pad-dot'} />
        ))}
      </p>
      {wrong ? <p className="notice" role="alert">{t('people.padWrong')}</p> : null}
      <div className="pad-grid" role="group" aria-label={t('people.padLabel')}>
        {choices.map((k) => (
          <button key={k} type="button" className="avatar-tile pad-tile" aria-label={avatarName(k, i18n.language)} onClick={() => tap(k)}>
            <Avatar avatar={k} size={80} />
          </button>
        ))}
      </div>
      <button type="button" className="button student-back" onClick={onBack}>
        {t('people.padBack')}
      </button>
    </div>
  );
}

/** The child's pictures plus others up to 9, shuffled by a hash of the learner id (same order every time). */
export function padChoices(learnerId: string, password: readonly AvatarKey[]): AvatarKey[] {
  let h = 2166136261;
  for (let i = 0; i < learnerId.length; i++) h = Math.imul(h ^ learnerId.charCodeAt(i), 16777619) >>> 0;
  const rand = () => ((h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0), h / 4294967296);
  const others = AVATAR_KEYS.filter((k) => !password.includes(k));
  const pool = [...password];
  while (pool.length < 9 && others.length > 0) pool.push(others.splice(Math.floor(rand() * others.length), 1)[0]!);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [pool[i], pool[j]] = [pool[j]!, pool[i]!];
  }
  return pool;
}

function StudentHome({ db, learner }: { db: TeachPointDB; learner: LearnerRecord }) {
  const { t, i18n } = useTranslation();
  const { bridge } = useServices();
  const assignments = useLive(() => assignmentsForLearner(db, learner), [db, learner.id, learner.classId]);
  const events = useLive(() => db.events.where('learnerId').equals(learner.id).toArray(), [db, learner.id]);
  const [contents, setContents] = useState<Record<string, PackContent | null>>({});
  const packIds = [...new Set((assignments ?? []).map((a) => a.packId))].sort().join(',');

  useEffect(() => {
    let live = true;
    for (const id of packIds ? packIds.split(',') : []) {
      loadPackContent(bridge, id).then(
        (c) => live && setContents((m) => ({ ...m, [id]: c })),
        () => live && setContents((m) => ({ ...m, [id]: null })),
      );
    }
    return () => {
      live = false;
    };
  }, [bridge, packIds]);

  const stars = starCount(events ?? []);
  const recent = [...(events ?? [])].sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1)).slice(0, 8);
  return (
    <div className="student student-home">
      <div className="student-hello">
        <Avatar avatar={learner.avatar} size={88} label={avatarName(learner.avatar, i18n.language)} />
        <div>
          <h1>{t('people.hello', { name: learner.name })}</h1>
          <p className="stars">
            <StarIcon /> <span>{t('people.starsCount', { count: stars })}</span>
          </p>
        </div>
        <button type="button" className="button button-primary next-child" onClick={() => void signOut(db)}>
          {t('people.nextChild')}
        </button>
      </div>

      <section className="card" aria-labelledby="my-tasks">
        <h2 id="my-tasks">{t('people.myAssignments')}</h2>
        {assignments && assignments.length === 0 ? <p>{t('people.noMyAssignments')}</p> : null}
        <ul className="my-assignments">
          {(assignments ?? []).map((a) => {
            const content = contents[a.packId];
            const target = content ? findTarget(content, a.kind, a.targetId) : undefined;
            const total = a.kind === 'exercise-set' ? (target?.items ?? null) : target ? (content?.manifest.tree ? lessonResourceCount(content, a.targetId) : null) : null;
            const p = assignmentProgress(a, events ?? [], total);
            const title = pickTitle(a.title, i18n.language) ?? a.title['zh-CN'];
            const status = p.mastered ? t('people.statusMastered') : p.started ? t('people.statusProgress', { done: p.done, total: p.total ?? '?' }) : t('people.statusNew');
            return (
              <li key={a.id} className={p.mastered ? 'my-assignment done' : 'my-assignment'}>
                <span className="assignment-kind">{a.kind === 'exercise-set' ? t('people.kindSetShort') : t('people.kindLessonShort')}</span>
                {target ? (
                  <Link className="my-assignment-link" to={`/lesson/${encodeURIComponent(a.packId)}/${encodeURIComponent(target.lessonId)}`}>
                    {title}
                  </Link>
                ) : (
                  <span className="my-assignment-link">{title}</span>
                )}
                <span className="my-assignment-status">{p.mastered ? <StarIcon /> : null} {status}</span>
                {a.dueDate ? <span className="muted">{t('people.dueOn', { date: a.dueDate })}</span> : null}
                {content === null ? <span className="muted">{t('people.packMissing')}</span> : null}
              </li>
            );
          })}
        </ul>
      </section>

      <section className="card" aria-labelledby="my-history">
        <h2 id="my-history">{t('people.myHistory')}</h2>
        {recent.length === 0 ? <p className="muted">{t('people.noHistory')}</p> : null}
        <ul className="history">
          {recent.map((e) => (
            <li key={e.id}>
              <span className="muted">{new Date(e.createdAt).toLocaleString(i18n.language)}</span>{' '}
              {e.verb === 'answered' ? (e.result?.success ? t('people.histRight') : t('people.histWrong')) : t(`people.verb.${e.verb}`)}
            </li>
          ))}
        </ul>
      </section>
    </div>
  );
}

function lessonResourceCount(content: PackContent, lessonId: string): number | null {
  let found: number | null = null;
  const walk = (nodes: PackContent['manifest']['tree']) => {
    for (const n of nodes) {
      if (n.level === 'lesson' && n.id === lessonId) found = n.resources?.length ?? 0;
      else if (n.children) walk(n.children);
    }
  };
  walk(content.manifest.tree);
  return found;
}

function StarIcon() {
  return (
    <svg viewBox="0 0 100 100" width="28" height="28" aria-hidden="true" className="star-icon">
      <path d="M50 8 L62 38 L94 38 L68 58 L78 90 L50 71 L22 90 L32 58 L6 38 L38 38 Z" fill="#fcc419" stroke="#e67700" strokeWidth="4" strokeLinejoin="round" />
    </svg>
  );
}
