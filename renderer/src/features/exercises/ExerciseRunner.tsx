import { useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkAnswer, type AnswerResult } from '../../../../content-packs/format/answers';
import type { Choice, ExerciseItem, ExerciseSet, MasteryRule } from '../../../../content-packs/format/manifest';
import { useServices } from '../../app/services';
import { appendEvent } from '../../db/outbox';
import { useCurrentLearner } from './learner';

type Response = string | string[] | boolean | Record<string, string> | null;

/** Did the answers so far meet the set's mastery rule? (m of the last n, or n right in a row.) */
export function masteryReached(rule: MasteryRule, results: readonly boolean[]): boolean {
  if (rule.type === 'm-of-n') return results.slice(-rule.n).filter(Boolean).length >= rule.m;
  let run = 0;
  for (const r of results) run = r ? run + 1 : 0;
  return run >= rule.n;
}

/** xAPI-ish object id of one item: `<packId>/<setId>/<itemId>`. */
export function itemObjectId(packId: string, setId: string, itemId: string): string {
  return `${packId}/${setId}/${itemId}`;
}

/**
 * One item at a time: answer → instant feedback (checkAnswer, the same function everything else
 * scores with) → hints on request → explanation → next. Every submitted answer is appended to the
 * `events` table together with its `outbox` row in one strict transaction (appendEvent →
 * writeWithOutbox), under the picked learner or the honest "未选择学生" placeholder.
 */
export function ExerciseRunner({ packId, set }: { packId: string; set: ExerciseSet }) {
  const { t } = useTranslation();
  const { db, platform } = useServices();
  const learner = useCurrentLearner(db);
  const [index, setIndex] = useState(0);
  const [response, setResponse] = useState<Response>(() => initialResponse(set.items[0]!));
  const [result, setResult] = useState<AnswerResult | null>(null);
  const [hints, setHints] = useState(0);
  const [firstTry, setFirstTry] = useState<boolean[]>([]);
  const [saveState, setSaveState] = useState<'idle' | 'saved' | 'failed'>('idle');
  const [done, setDone] = useState(false);
  const started = useRef(Date.now());
  const item = set.items[index]!;

  const reset = (next: number) => {
    setIndex(next);
    setResponse(initialResponse(set.items[next]!));
    setResult(null);
    setHints(0);
    setSaveState('idle');
    started.current = Date.now();
  };

  const submit = async () => {
    const r = checkAnswer(item, normalizeForCheck(item, response));
    setResult(r);
    if (firstTry.length === index) setFirstTry((f) => [...f, r.correct]);
    if (!db || !learner) return;
    try {
      await appendEvent(db, {
        learnerId: learner.id,
        verb: 'answered',
        objectId: itemObjectId(packId, set.id, item.id),
        packId,
        result: { success: r.correct, score: r.score, response: JSON.stringify(response), durationMs: Date.now() - started.current },
      });
      setSaveState('saved');
    } catch {
      setSaveState('failed');
    }
  };

  const ruleText = set.mastery.type === 'm-of-n' ? t('exercise.ruleMofN', { m: set.mastery.m, n: set.mastery.n }) : t('exercise.ruleRow', { n: set.mastery.n });
  const learnerName = learner ? (learner.name ?? t('exercise.noLearner')) : '…';

  if (done) {
    const correct = firstTry.filter(Boolean).length;
    const mastered = masteryReached(set.mastery, firstTry);
    return (
      <section className="exercise" aria-label={t('exercise.items')}>
        <p className="notice notice-ok" role="status">
          {t('exercise.summary', { correct, total: set.items.length })} {mastered ? t('exercise.mastered', { rule: ruleText }) : t('exercise.notMastered', { rule: ruleText })}
        </p>
        <button
          type="button"
          className="button button-primary"
          onClick={() => {
            setFirstTry([]);
            setDone(false);
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
  return (
    <section className="exercise" aria-label={t('exercise.items')}>
      <p className="exercise-learner" data-testid="exercise-learner">
        {t('exercise.learner', { name: learnerName })}
        {learner && learner.name === null ? <span className="muted"> {t('exercise.noLearnerNote')}</span> : null}
      </p>
      {!db ? <p className="notice">{t('exercise.noDb')}</p> : null}
      <p className="exercise-progress">{t('exercise.progress', { n: index + 1, total: set.items.length })}</p>
      <div className="exercise-item" role="group" aria-label={item.prompt}>
        <p className="exercise-prompt">{item.prompt}</p>
        {item.pinyin ? <p className="muted">{t('exercise.pinyin', { text: item.pinyin })}</p> : null}
        {item.image ? <img className="exercise-image" src={platform.mediaUrl(item.image.sha256)} alt="" /> : null}
        {item.audioPrompt ? <audio controls src={platform.mediaUrl(item.audioPrompt.sha256)} aria-label={t('exercise.listen')} /> : null}
        <ItemInput item={item} response={response} onChange={(r) => !answered && setResponse(r)} disabled={answered} />
      </div>
      {item.hints.slice(0, hints).map((h, i) => (
        <p key={i} className="exercise-hint">
          {t('exercise.hintN', { n: i + 1, text: h })}
        </p>
      ))}
      {result ? (
        <div className={result.correct ? 'notice notice-ok' : 'notice'} role="status">
          <p>{result.correct ? t('exercise.correct') : result.score > 0 ? t('exercise.partial') : t('exercise.wrong')}</p>
          {item.explanation ? <p>{t('exercise.explanation', { text: item.explanation })}</p> : null}
          {saveState === 'saved' ? <p className="muted">{t('exercise.saved')}</p> : null}
          {saveState === 'failed' ? <p role="alert">{t('exercise.saveFailed')}</p> : null}
        </div>
      ) : null}
      <div className="exercise-actions">
        {!answered ? (
          <button type="button" className="button button-primary" disabled={!isAnswered(item, response)} onClick={() => void submit()}>
            {t('exercise.check')}
          </button>
        ) : null}
        {!answered && hints < item.hints.length ? (
          <button type="button" className="button" onClick={() => setHints((h) => h + 1)}>
            {hints === 0 ? t('exercise.hint') : t('exercise.moreHint')}
          </button>
        ) : null}
        {answered && !result.correct ? (
          <button
            type="button"
            className="button"
            onClick={() => {
              setResult(null);
              setSaveState('idle');
              started.current = Date.now();
            }}
          >
            {t('exercise.tryAgain')}
          </button>
        ) : null}
        {answered ? (
          <button type="button" className="button button-primary" onClick={() => (last ? setDone(true) : reset(index + 1))}>
            {last ? t('exercise.finish') : t('exercise.next')}
          </button>
        ) : null}
      </div>
    </section>
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
              <button type="button" className="button button-small" disabled={disabled || i === 0} onClick={() => move(i, -1)} aria-label={`${t('exercise.moveUp')} ${byId.get(id)?.text ?? ''}`}>
                ↑
              </button>
              <button type="button" className="button button-small" disabled={disabled || i === order.length - 1} onClick={() => move(i, 1)} aria-label={`${t('exercise.moveDown')} ${byId.get(id)?.text ?? ''}`}>
                ↓
              </button>
            </li>
          ))}
        </ol>
      );
    }
  }
}
