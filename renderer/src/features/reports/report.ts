/**
 * Teacher reports (issue 7 item 6) as pure functions over the event log plus the roster and the
 * exercise sets: per class, per learner, per set and per item — attempts, correct %, mastery, time
 * spent, the hardest items and who has not started. Nothing here is stored: a report is rebuilt from
 * the events every time, so it can never disagree with them.
 *
 * Definitions (the same on screen, in print and in the CSV):
 * - attempts: every recorded answer, retries included; correct %: correct answers / attempts.
 * - first-try correct %: per item, the share of first tries that were right (see progress/mastery.ts).
 * - mastered: the set's rule was met (or a `mastered` event exists) — progress/mastery.ts.
 * - time: the sum of the answers' durationMs.
 * - not started: no answer to any item of the set.
 * Events count for the learners currently on the class roster (all their events, also from before a
 * move), so a child's record follows the child.
 */
import type { ProgressEvent } from '../../../../common/records/records';
import type { ExerciseItem, ExerciseSet } from '../../../../content-packs/format/manifest';
import { itemIdOf, masteryState, setAnswers, type MasteryState } from '../progress/mastery';

export interface ReportLearner {
  id: string;
  name: string;
}

export interface ReportSet {
  packId: string;
  set: ExerciseSet;
}

export type SetStatus = 'not-started' | 'in-progress' | 'mastered';

export interface LearnerSetCell extends MasteryState {
  packId: string;
  setId: string;
  status: SetStatus;
  /** correct / attempts × 100, rounded; null without attempts. */
  correctPct: number | null;
}

export interface LearnerRow {
  learner: ReportLearner;
  cells: LearnerSetCell[];
  attempts: number;
  correct: number;
  correctPct: number | null;
  timeMs: number;
  setsStarted: number;
  setsMastered: number;
  lastAt: string | null;
}

export interface ItemRow {
  itemId: string;
  prompt: string;
  attempts: number;
  correct: number;
  correctPct: number | null;
  firstTries: number;
  firstTryCorrect: number;
  firstTryPct: number | null;
  /** Learners who answered it at least once. */
  learners: number;
}

export interface SetRow {
  packId: string;
  set: ExerciseSet;
  attempts: number;
  correct: number;
  correctPct: number | null;
  timeMs: number;
  mastered: ReportLearner[];
  inProgress: ReportLearner[];
  notStarted: ReportLearner[];
  items: ItemRow[];
  /** Up to 3 answered items with the lowest first-try correct %, hardest first. */
  hardest: ItemRow[];
}

export interface ClassReport {
  learners: LearnerRow[];
  sets: SetRow[];
  totals: { attempts: number; correct: number; correctPct: number | null; timeMs: number; learners: number; notStartedAny: number };
}

export function pct(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 100) : null;
}

function latest(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/** One learner's standing in one set. */
export function learnerSetCell(events: readonly ProgressEvent[], learnerId: string, s: ReportSet): LearnerSetCell {
  const state = masteryState(events, learnerId, s.packId, s.set.id, s.set.mastery);
  const status: SetStatus = state.mastered ? 'mastered' : state.attempts > 0 ? 'in-progress' : 'not-started';
  return { ...state, packId: s.packId, setId: s.set.id, status, correctPct: pct(state.correct, state.attempts) };
}

/** Per-item figures of one set over the given learners. */
export function itemRows(events: readonly ProgressEvent[], learners: readonly ReportLearner[], s: ReportSet): ItemRow[] {
  const rows = new Map<string, ItemRow & { who: Set<string> }>();
  for (const item of s.set.items) rows.set(item.id, { ...emptyItem(item), who: new Set() });
  for (const l of learners) {
    for (const a of setAnswers(events, l.id, s.packId, s.set.id)) {
      const row = rows.get(a.itemId);
      if (!row) continue; // an item that a pack update removed
      row.attempts++;
      if (a.correct) row.correct++;
      if (a.firstTry) {
        row.firstTries++;
        if (a.correct) row.firstTryCorrect++;
      }
      row.who.add(l.id);
    }
  }
  return [...rows.values()].map(({ who, ...r }) => ({ ...r, learners: who.size, correctPct: pct(r.correct, r.attempts), firstTryPct: pct(r.firstTryCorrect, r.firstTries) }));
}

function emptyItem(item: ExerciseItem): ItemRow {
  return { itemId: item.id, prompt: item.prompt, attempts: 0, correct: 0, correctPct: null, firstTries: 0, firstTryCorrect: 0, firstTryPct: null, learners: 0 };
}

/** The hardest items: answered ones, lowest first-try correct % first, then most attempts. */
export function hardestItems(items: readonly ItemRow[], limit = 3): ItemRow[] {
  return items
    .filter((i) => i.firstTries > 0)
    .sort((a, b) => (a.firstTryPct ?? 0) - (b.firstTryPct ?? 0) || b.attempts - a.attempts || a.itemId.localeCompare(b.itemId))
    .slice(0, limit);
}

/** The whole class report. `events` may hold anything; only the roster's answers to these sets count. */
export function buildClassReport(input: { learners: readonly ReportLearner[]; sets: readonly ReportSet[]; events: readonly ProgressEvent[] }): ClassReport {
  const ids = new Set(input.learners.map((l) => l.id));
  const events = input.events.filter((e) => ids.has(e.learnerId));
  const learners: LearnerRow[] = input.learners.map((learner) => {
    const cells = input.sets.map((s) => learnerSetCell(events, learner.id, s));
    const attempts = cells.reduce((n, c) => n + c.attempts, 0);
    const correct = cells.reduce((n, c) => n + c.correct, 0);
    return {
      learner,
      cells,
      attempts,
      correct,
      correctPct: pct(correct, attempts),
      timeMs: cells.reduce((n, c) => n + c.timeMs, 0),
      setsStarted: cells.filter((c) => c.status !== 'not-started').length,
      setsMastered: cells.filter((c) => c.status === 'mastered').length,
      lastAt: cells.reduce<string | null>((t, c) => latest(t, c.lastAt), null),
    };
  });
  const sets: SetRow[] = input.sets.map((s, i) => {
    const cells = learners.map((l) => ({ learner: l.learner, cell: l.cells[i]! }));
    const items = itemRows(events, input.learners, s);
    const attempts = cells.reduce((n, c) => n + c.cell.attempts, 0);
    const correct = cells.reduce((n, c) => n + c.cell.correct, 0);
    const by = (st: SetStatus) => cells.filter((c) => c.cell.status === st).map((c) => c.learner);
    return {
      packId: s.packId,
      set: s.set,
      attempts,
      correct,
      correctPct: pct(correct, attempts),
      timeMs: cells.reduce((n, c) => n + c.cell.timeMs, 0),
      mastered: by('mastered'),
      inProgress: by('in-progress'),
      notStarted: by('not-started'),
      items,
      hardest: hardestItems(items),
    };
  });
  const attempts = learners.reduce((n, l) => n + l.attempts, 0);
  const correct = learners.reduce((n, l) => n + l.correct, 0);
  return {
    learners,
    sets,
    totals: {
      attempts,
      correct,
      correctPct: pct(correct, attempts),
      timeMs: learners.reduce((n, l) => n + l.timeMs, 0),
      learners: learners.length,
      notStartedAny: learners.filter((l) => l.setsStarted === 0).length,
    },
  };
}

/** Sets (packId/setId pairs) that a learner list has answered, in first-answer order — for reports that list "everything done". */
export function answeredSetKeys(events: readonly ProgressEvent[], learnerIds: ReadonlySet<string>): { packId: string; setId: string }[] {
  const seen = new Map<string, { packId: string; setId: string }>();
  for (const e of events) {
    if (e.verb !== 'answered' || !learnerIds.has(e.learnerId) || !e.packId) continue;
    const rest = e.objectId.startsWith(`${e.packId}/`) ? e.objectId.slice(e.packId.length + 1) : null;
    const setId = rest?.split('/')[0];
    if (!setId || itemIdOf(e.objectId, e.packId, setId) === null) continue;
    const key = `${e.packId}/${setId}`;
    if (!seen.has(key)) seen.set(key, { packId: e.packId, setId });
  }
  return [...seen.values()];
}
