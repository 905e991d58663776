/**
 * Mastery, derived from the append-only event log (DESIGN §5.1, issue 7 item 9): pure functions
 * over `ProgressEvent[]`, so the result can always be rebuilt from the events alone.
 *
 * Object ids (common/records/records.ts):
 * - an answer: `answered` on `<packId>/<setId>/<itemId>`
 * - a finished run: `completed` on `<packId>/<setId>`
 * - the first time the rule was met: `mastered` on `<packId>/<setId>`
 *
 * Which answers count for mastery: the FIRST try at an item. After a wrong answer a child may try
 * again ("再试一次"); that retry is recorded (attempts and time are real work) but must not let the
 * child reach mastery by guessing until right. From the log alone: an answer is a first try unless
 * the learner's previous answer in the same set was to the same item with no `completed` of the
 * set in between.
 */
import type { ProgressEvent } from '../../../../common/records/records';
import type { MasteryRule } from '../../../../content-packs/format/manifest';

/** `<packId>/<setId>/<itemId>`: object id of one exercise item. */
export function itemObjectId(packId: string, setId: string, itemId: string): string {
  return `${packId}/${setId}/${itemId}`;
}

/** `<packId>/<setId>`: object id of an exercise set (completed, mastered). */
export function setObjectId(packId: string, setId: string): string {
  return `${packId}/${setId}`;
}

/**
 * The item id when `objectId` is an item of the set (`<packId>/<setId>/<itemId>`), else null.
 * Pack and set ids never contain '/' (manifest Id), item ids neither.
 */
export function itemIdOf(objectId: string, packId: string, setId: string): string | null {
  const prefix = `${packId}/${setId}/`;
  if (!objectId.startsWith(prefix)) return null;
  const rest = objectId.slice(prefix.length);
  return rest.length > 0 && !rest.includes('/') ? rest : null;
}

/** Creation order: UUIDv7 ids sort by time; createdAt first so events from other devices interleave sensibly. */
export function byTime(a: ProgressEvent, b: ProgressEvent): number {
  if (a.createdAt !== b.createdAt) return Date.parse(a.createdAt) - Date.parse(b.createdAt) || (a.createdAt < b.createdAt ? -1 : 1);
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Did this sequence of first-try results meet the rule at its end? (m of the last n, or n right in a row.) */
export function masteryReached(rule: MasteryRule, results: readonly boolean[]): boolean {
  if (rule.type === 'm-of-n') return results.slice(-rule.n).filter(Boolean).length >= rule.m;
  let run = 0;
  for (const r of results) run = r ? run + 1 : 0;
  return run >= rule.n;
}

/** Index (into `results`) of the first answer at which the rule was met, or -1. */
export function firstMasteryIndex(rule: MasteryRule, results: readonly boolean[]): number {
  let run = 0;
  for (let i = 0; i < results.length; i++) {
    if (rule.type === 'n-in-a-row') {
      run = results[i] ? run + 1 : 0;
      if (run >= rule.n) return i;
    } else if (results.slice(Math.max(0, i + 1 - rule.n), i + 1).filter(Boolean).length >= rule.m) {
      return i;
    }
  }
  return -1;
}

export interface SetAnswer {
  event: ProgressEvent;
  itemId: string;
  correct: boolean;
  /** false for a retry of the same item right after an answer to it (see the file comment). */
  firstTry: boolean;
}

/**
 * One learner's answers to one set, oldest first, each marked first try or retry. `events` may hold
 * anything (other learners, other sets, other verbs): they are filtered here.
 */
export function setAnswers(events: readonly ProgressEvent[], learnerId: string, packId: string, setId: string): SetAnswer[] {
  const setObj = setObjectId(packId, setId);
  const mine = events.filter((e) => e.learnerId === learnerId && (e.verb === 'answered' || (e.verb === 'completed' && e.objectId === setObj))).sort(byTime);
  const out: SetAnswer[] = [];
  let previousItem: string | null = null;
  for (const e of mine) {
    if (e.verb === 'completed') {
      previousItem = null;
      continue;
    }
    const itemId = itemIdOf(e.objectId, packId, setId);
    if (itemId === null) continue;
    out.push({ event: e, itemId, correct: e.result?.success === true, firstTry: itemId !== previousItem });
    previousItem = itemId;
  }
  return out;
}

export interface MasteryState {
  /** The rule was met at some point, or a `mastered` event is in the log (mastery is never taken back). */
  mastered: boolean;
  /** When: the `mastered` event's time, else the time of the answer that met the rule; null if not mastered. */
  masteredAt: string | null;
  /** A `mastered` event for this learner and set is already in the log. */
  recorded: boolean;
  /** Every answer, retries included. */
  attempts: number;
  correct: number;
  firstTries: number;
  firstTryCorrect: number;
  /** Sum of the answers' durationMs. */
  timeMs: number;
  /** Distinct items answered at least once. */
  itemsAnswered: number;
  lastAt: string | null;
  /** `completed` events of the set (finished runs). */
  runsCompleted: number;
}

/** A learner's standing in one set, from the log alone. */
export function masteryState(events: readonly ProgressEvent[], learnerId: string, packId: string, setId: string, rule: MasteryRule): MasteryState {
  const answers = setAnswers(events, learnerId, packId, setId);
  const setObj = setObjectId(packId, setId);
  const mine = events.filter((e) => e.learnerId === learnerId && e.objectId === setObj);
  const masteredEvents = mine.filter((e) => e.verb === 'mastered').sort(byTime);
  const firsts = answers.filter((a) => a.firstTry);
  const at = firstMasteryIndex(
    rule,
    firsts.map((a) => a.correct),
  );
  const recorded = masteredEvents.length > 0;
  const masteredAt = recorded ? masteredEvents[0]!.createdAt : at >= 0 ? firsts[at]!.event.createdAt : null;
  const lastCandidates = [...answers.map((a) => a.event.createdAt), ...mine.map((e) => e.createdAt)];
  return {
    mastered: recorded || at >= 0,
    masteredAt,
    recorded,
    attempts: answers.length,
    correct: answers.filter((a) => a.correct).length,
    firstTries: firsts.length,
    firstTryCorrect: firsts.filter((a) => a.correct).length,
    timeMs: answers.reduce((s, a) => s + (a.event.result?.durationMs ?? 0), 0),
    itemsAnswered: new Set(answers.map((a) => a.itemId)).size,
    lastAt: lastCandidates.length ? lastCandidates.reduce((a, b) => (Date.parse(b) > Date.parse(a) ? b : a)) : null,
    runsCompleted: mine.filter((e) => e.verb === 'completed').length,
  };
}

/** Should a `mastered` event be written now? The rule is met and none is in the log yet. */
export function shouldRecordMastery(state: MasteryState): boolean {
  return state.mastered && !state.recorded;
}
