import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { checkAnswer, type AnswerResult } from '../../../../content-packs/format/answers';
import type { Choice, ExerciseItem, ExerciseSet, MasteryRule } from '../../../../content-packs/format/manifest';
import { useServices } from '../../app/services';
import { recordAnswer, recordCompleted } from '../progress/record';
import { useMastery } from '../progress/use-mastery';
import { useExerciseLearner, type ExerciseLearner } from './learner';
import { TeacherOnly } from '../teacher/TeacherOnly';
import { PinyinToggle, PromptText, usePinyinSetting } from './pinyin';
import './exercises.css';

type Response = string | string[] | boolean | Record<string, string> | null;

/** Stars for a finished run: 3 for ≥ 90 % right at the first try, 2 for ≥ 60 %, 1 for any, else 0. */
export function runStars(firstTryCorrect: number, total: number): 0 | 1 | 2 | 3 {
  if (total <= 0 || firstTryCorrect <= 0) return 0;
  const r = firstTryCorrect / total;
  return r >= 0.9 ? 3 : r >= 0.6 ? 2 : 1;
}

/**
 * One item at a time, for young children: the question (pinyin ruby when the teacher turned it on,
 * picture, a big "listen" button for the audio prompt) → answer with large targets → instant
 * feedback (checkAnswer, the same function everything else scores with) → after a wrong answer
 * "try again" or "show me", hints on request → the explanation only once the item is finished
 * (right, or given up) → next. Each answer is an `answered` event written with its outbox row; the
 * first answer that meets the set's mastery rule also writes `mastered` (same transaction,
 * progress/record.ts); the end of a run writes `completed`. Nobody signed in: nothing can be
 * answered, the child is sent to pick their name. A failed save is shown on its own, in red, with
 * what to do — never inside the green "correct" box.
 */
export function ExerciseRunner({ packId, set }: { packId: string; set: ExerciseSet }) {
  const { t } = useTranslation();
  const { db } = useServices();
  const who = useExerciseLearner();
  const learner = who.status === 'signed-in' ? who.learner : null;
  const mastery = useMastery(learner?.id, packId, set.id, set.mastery);
  const [pinyinOn, setPinyinOn] = usePinyinSetting();
  const [index, setIndex] = useState(0);
  const [response, setResponse] = useState<Response>(() => initialResponse(set.items[0]!));
  const [result, setResult] = useState<AnswerResult | null>(null);
  const [finished, setFinished] = useState(false);
  const [hints, setHints] = useState(0);
  const [firstTry, setFirstTry] = useState<boolean[]>([]);
  const [saveError, setSaveError] = useState(false);
  const [saved, setSaved] = useState(0);
  const [done, setDone] = useState(false);
  const [justMastered, setJustMastered] = useState(false);
  const started = useRef(Date.now());
  const runStarted = useRef(Date.now());
  const item = set.items[index]!;
  const ruleText = ruleLabel(t, set.mastery);

  const reset = (next: number) => {
    setIndex(next);
    setResponse(initialResponse(set.items[next]!));
    setResult(null);
    setFinished(false);
    setHints(0);
    started.current = Date.now();
  };

  const submit = async (l: ExerciseLearner) => {
    const r = checkAnswer(item, normalizeForCheck(item, response));
    setResult(r);
    if (r.correct) setFinished(true);
    if (firstTry.length === index) setFirstTry((f) => [...f, r.correct]);
    if (!db) {
      setSaveError(true);
      return;
    }
    try {
      const state = await recordAnswer(db, l, packId, set, item.id, { correct: r.correct, score: r.score, response: JSON.stringify(response), durationMs: Date.now() - started.current });
      setSaved((n) => n + 1);
      if (state.newlyMastered) setJustMastered(true);
    } catch {
      setSaveError(true);
    }
  };

  const finishRun = async (l: ExerciseLearner) => {
    setDone(true);
    if (!db) return;
    try {
      await recordCompleted(db, l, packId, set.id, { correct: firstTry.filter(Boolean).length, total: set.items.length, durationMs: Date.now() - runStarted.current });
    } catch {
      setSaveError(true);
    }
  };

  const saveProblem = saveError ? (
    <div className="notice notice-error exercise-save-error" role="alert">
      <p>
        <strong>{db ? t('exercise.saveFailed') : t('exercise.noDb')}</strong>
      </p>
      <p>{t('exercise.saveFailedWhat')}</p>
    </div>
  ) : null;

  const header = (
    <div className="exercise-bar">
      <p className="exercise-learner" data-testid="exercise-learner">
        {learner ? t('exercise.learner', { name: learner.name }) : who.status === 'loading' ? '…' : t('exercise.noLearner')}
      </p>
      {mastery?.mastered ? (
        <p className="exercise-mastered-badge" data-testid="exercise-mastered">
          {t('exercise.masteredBadge')}
        </p>
      ) : null}
      <TeacherOnly quiet>
        <PinyinToggle on={pinyinOn} onChange={setPinyinOn} />
      </TeacherOnly>
    </div>
  );

  if (done) {
    const correct = firstTry.filter(Boolean).length;
    const stars = runStars(correct, set.items.length);
    const mastered = mastery?.mastered === true || justMastered;
    return (
      <section className="exercise" aria-label={t('exercise.items')}>
        {header}
        {saveProblem}
        <div className={mastered ? 'notice notice-ok exercise-summary' : 'notice exercise-summary'} role="status" data-testid="exercise-summary">
          <p className="exercise-stars" aria-label={t('exercise.starsLabel', { n: stars })}>
            {[0, 1, 2].map((i) => (
              <span key={i} className={i < stars ? 'star star-on' : 'star'} aria-hidden="true">
                {i < stars ? '★' : '☆'}
              </span>
            ))}
          </p>
          <p>{t('exercise.summary', { correct, total: set.items.length })}</p>
          <p>{mastered ? t('exercise.mastered', { rule: ruleText }) : t('exercise.notMastered', { rule: ruleText })}</p>
        </div>
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            setFirstTry([]);
            setDone(false);
            setJustMastered(false);
            runStarted.current = Date.now();
            reset(0);
          }}
        >
          {t('exercise.restart')}
        </button>
      </section>
    );
  }

  const answered = result !== null;
  const last = index === set.items.length - 1;
  const locked = !learner || answered;
  return (
    <section className="exercise" aria-label={t('exercise.items')}>
      {header}
      {who.status === 'none' ? (
        <div className="notice notice-warn exercise-sign-in" role="alert">
          <p>
            <strong>{t('exercise.signInFirst')}</strong>
          </p>
          <p>{t('exercise.signInHow')}</p>
          <Link to="/student" className="button button-primary">
            {t('exercise.signInButton')}
          </Link>
        </div>
      ) : null}
      <div className="exercise-top">
        <p className="exercise-progress">{t('exercise.progress', { n: index + 1, total: set.items.length })}</p>
        <p className="exercise-run-stars" aria-label={t('exercise.runStarsLabel', { n: firstTry.filter(Boolean).length, total: set.items.length })}>
          {set.items.map((it, i) => (
            <span key={it.id} aria-hidden="true" className={firstTry[i] ? 'star star-on' : 'star'}>
              {firstTry[i] ? '★' : '☆'}
            </span>
          ))}
        </p>
      </div>
      <div className="exercise-item" role="group" aria-label={item.prompt}>
        <p className="exercise-prompt">
          <PromptText text={item.prompt} on={pinyinOn} />
        </p>
        {item.image ? <ItemImage sha256={item.image.sha256} /> : null}
        {item.audioPrompt ? <AudioPrompt sha256={item.audioPrompt.sha256} /> : null}
        <ItemInput item={item} response={response} onChange={(r) => !locked && setResponse(r)} disabled={locked} />
      </div>
      {item.hints.slice(0, hints).map((h, i) => (
        <p key={i} className="exercise-hint">
          {t('exercise.hintN', { n: i + 1, text: h })}
        </p>
      ))}
      {result ? (
        <div className={result.correct ? 'notice notice-ok exercise-feedback' : 'notice notice-warn exercise-feedback'} role="status">
          <p className="exercise-feedback-text">{result.correct ? t('exercise.correct') : result.score > 0 ? t('exercise.partial') : finished ? t('exercise.gaveUp') : t('exercise.wrong')}</p>
          {finished && item.explanation ? <p>{t('exercise.explanation', { text: item.explanation })}</p> : null}
        </div>
      ) : null}
      {saveProblem}
      {result && saved > 0 && !saveError ? (
        <p className="muted exercise-saved" data-testid="exercise-saved" data-count={saved}>
          {t('exercise.saved')}
        </p>
      ) : null}
      <div className="exercise-actions">
        {!answered && learner ? (
          <button type="button" className="button button-primary" disabled={!isAnswered(item, response)} onClick={() => void submit(learner)}>
            {t('exercise.check')}
          </button>
        ) : null}
        {!finished && learner && hints < item.hints.length ? (
          <button type="button" className="button" onClick={() => setHints((h) => h + 1)}>
            {hints === 0 ? t('exercise.hint') : t('exercise.moreHint')}
          </button>
        ) : null}
        {answered && !finished ? (
          <>
            <button
              type="button"
              className="button button-primary"
              onClick={() => {
                setResult(null);
                started.current = Date.now();
              }}
            >
              {t('exercise.tryAgain')}
            </button>
            <button type="button" className="button" onClick={() => setFinished(true)}>
              {t('exercise.showMe')}
            </button>
          </>
        ) : null}
        {finished && learner ? (
          <button type="button" className="button button-primary" onClick={() => (last ? void finishRun(learner) : reset(index + 1))}>
            {last ? t('exercise.finish') : t('exercise.next')}
          </button>
        ) : null}
      </div>
    </section>
  );
}

function ruleLabel(t: (k: string, o?: Record<string, unknown>) => string, rule: MasteryRule): string {
  return rule.type === 'm-of-n' ? t('exercise.ruleMofN', { m: rule.m, n: rule.n }) : t('exercise.ruleRow', { n: rule.n });
}

function ItemImage({ sha256 }: { sha256: string }) {
  const { t } = useTranslation();
  const { platform } = useServices();
  return <img className="exercise-image" src={platform.mediaUrl(sha256)} alt={t('exercise.picture')} />;
}

/** A big "listen" button (the audio element itself has no visible controls: one tap plays, another stops). */
function AudioPrompt({ sha256 }: { sha256: string }) {
  const { t } = useTranslation();
  const { platform } = useServices();
  const audio = useRef<HTMLAudioElement>(null);
  const [playing, setPlaying] = useState(false);
  return (
    <div className="exercise-audio">
      <button
        type="button"
        className="button exercise-listen"
        aria-pressed={playing}
        onClick={() => {
          const el = audio.current;
          if (!el) return;
          if (el.paused) {
            el.currentTime = 0;
            void el.play().catch(() => setPlaying(false));
          } else el.pause();
        }}
      >
        <svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true">
          <path d="M3 9v6h4l5 5V4L7 9H3z" fill="currentColor" />
          <path d="M16 8.5a5 5 0 0 1 0 7M18.5 6a8.5 8.5 0 0 1 0 12" stroke="currentColor" strokeWidth="2" fill="none" strokeLinecap="round" />
        </svg>
        <span>{playing ? t('exercise.stopListening') : t('exercise.listen')}</span>
      </button>
      <audio ref={audio} src={platform.mediaUrl(sha256)} preload="none" onPlay={() => setPlaying(true)} onPause={() => setPlaying(false)} onEnded={() => setPlaying(false)} data-testid="exercise-audio" />
    </div>
  );
}

function initialResponse(item: ExerciseItem): Response {
  switch (item.type) {
    case 'order':
      return item.choices.map((c) => c.id);
    case 'multiple-choice':
      return [];
    case 'match':
      return {};
    default:
      return null;
  }
}

function isAnswered(item: ExerciseItem, r: Response): boolean {
  switch (item.type) {
    case 'single-choice':
      return typeof r === 'string';
    case 'true-false':
      return typeof r === 'boolean';
    case 'multiple-choice':
      return Array.isArray(r) && r.length > 0;
    case 'text-entry':
    case 'numeric':
      return typeof r === 'string' && r.trim().length > 0;
    case 'match':
      return typeof r === 'object' && r !== null && !Array.isArray(r) && item.left.every((l) => Boolean((r as Record<string, string>)[l.id]));
    case 'order':
      return Array.isArray(r);
  }
}

/** The response shapes checkAnswer expects (answers.ts). */
function normalizeForCheck(item: ExerciseItem, r: Response): unknown {
  if (item.type === 'match' && r && typeof r === 'object' && !Array.isArray(r)) return Object.entries(r).map(([left, right]) => ({ left, right }));
  return r;
}

function ItemInput({ item, response, onChange, disabled }: { item: ExerciseItem; response: Response; onChange: (r: Response) => void; disabled: boolean }) {
  const { t } = useTranslation();
  const { platform } = useServices();
  const label = (c: Choice) => (
    <>
      {c.image ? <img className="choice-image" src={platform.mediaUrl(c.image.sha256)} alt="" /> : null}
      <span>{c.text}</span>
    </>
  );
  switch (item.type) {
    case 'single-choice':
      return (
        <div className="choices" role="radiogroup" aria-label={t('exercise.answer')}>
          {item.choices.map((c) => (
            <button key={c.id} type="button" role="radio" aria-checked={response === c.id} className="choice" disabled={disabled} onClick={() => onChange(c.id)}>
              {label(c)}
            </button>
          ))}
        </div>
      );
    case 'multiple-choice': {
      const picked = Array.isArray(response) ? response : [];
      return (
        <div className="choices" role="group" aria-label={t('exercise.answer')}>
          {item.choices.map((c) => {
            const on = picked.includes(c.id);
            return (
              <button key={c.id} type="button" role="checkbox" aria-checked={on} className="choice" disabled={disabled} onClick={() => onChange(on ? picked.filter((x) => x !== c.id) : [...picked, c.id])}>
                {label(c)}
              </button>
            );
          })}
        </div>
      );
    }
    case 'true-false':
      return (
        <div className="choices" role="radiogroup" aria-label={t('exercise.answer')}>
          {[true, false].map((v) => (
            <button key={String(v)} type="button" role="radio" aria-checked={response === v} className="choice" disabled={disabled} onClick={() => onChange(v)}>
              {v ? t('exercise.yes') : t('exercise.no')}
            </button>
          ))}
        </div>
      );
    case 'text-entry':
    case 'numeric':
      return (
        <label className="text-answer">
          <span>{t('exercise.answer')}</span>
          <input
            type="text"
            inputMode={item.type === 'numeric' ? 'decimal' : 'text'}
            value={typeof response === 'string' ? response : ''}
            disabled={disabled}
            onChange={(e) => onChange(e.target.value)}
          />
          {item.type === 'numeric' && item.unit ? <span className="muted">{t('exercise.unit', { unit: item.unit })}</span> : null}
        </label>
      );
    case 'match': {
      const pairs = response && typeof response === 'object' && !Array.isArray(response) ? (response as Record<string, string>) : {};
      return (
        <div className="match" role="group" aria-label={t('exercise.answer')}>
          {item.left.map((l) => (
            <label key={l.id} className="match-row">
              <span>{l.text}</span>
              <select value={pairs[l.id] ?? ''} disabled={disabled} onChange={(e) => onChange({ ...pairs, [l.id]: e.target.value })}>
                <option value="">{t('exercise.matchPick')}</option>
                {item.right.map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.text}
                  </option>
                ))}
              </select>
            </label>
          ))}
        </div>
      );
    }
    case 'order': {
      const order = Array.isArray(response) ? response : item.choices.map((c) => c.id);
      const byId = new Map(item.choices.map((c) => [c.id, c]));
      const move = (i: number, d: -1 | 1) => {
        const next = [...order];
        const [x] = next.splice(i, 1);
        next.splice(i + d, 0, x!);
        onChange(next);
      };
      return (
        <ol className="order" aria-label={t('exercise.answer')}>
          {order.map((id, i) => (
            <li key={id} className="order-row">
              <span>{byId.get(id)?.text}</span>
              <button type="button" className="button order-move" disabled={disabled || i === 0} onClick={() => move(i, -1)} aria-label={`${t('exercise.moveUp')} ${byId.get(id)?.text ?? ''}`}>
                ↑
              </button>
              <button type="button" className="button order-move" disabled={disabled || i === order.length - 1} onClick={() => move(i, 1)} aria-label={`${t('exercise.moveDown')} ${byId.get(id)?.text ?? ''}`}>
                ↓
              </button>
            </li>
          ))}
        </ol>
      );
    }
  }
}
