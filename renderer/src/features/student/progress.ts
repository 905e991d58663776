/**
 * A child's progress on their assignments, from the event log alone (DESIGN §5.1). Deliberately
 * simple: items answered right at least once, and whether a `mastered` event exists for the set.
 * Seam: the full mastery rules (first tries, m-of-n / n-in-a-row) are features/progress (A2); when
 * its `masteryState` is available this is the one place to switch to it.
 */
import type { AssignmentRecord, ProgressEvent } from '../../../../common/records/records';

export interface AssignmentProgress {
  /** Distinct items answered correctly (sets) or resources viewed (lessons). */
  done: number;
  /** Items in the set / resources in the lesson when known. */
  total: number | null;
  mastered: boolean;
  started: boolean;
}

export function assignmentProgress(a: Pick<AssignmentRecord, 'kind' | 'packId' | 'targetId'>, events: readonly ProgressEvent[], total: number | null): AssignmentProgress {
  const prefix = `${a.packId}/${a.targetId}`;
  const mine = events.filter((e) => e.objectId === prefix || e.objectId.startsWith(`${prefix}/`));
  if (a.kind === 'exercise-set') {
    const right = new Set(mine.filter((e) => e.verb === 'answered' && e.result?.success === true).map((e) => e.objectId));
    const mastered = mine.some((e) => e.verb === 'mastered' && e.objectId === prefix);
    return { done: right.size, total, mastered, started: mine.length > 0 };
  }
  const viewed = new Set(mine.filter((e) => e.verb === 'viewed').map((e) => e.objectId));
  const completed = mine.some((e) => e.verb === 'completed' && e.objectId === prefix);
  return { done: viewed.size, total, mastered: completed || (total !== null && total > 0 && viewed.size >= total), started: mine.length > 0 };
}

/** Stars on the child's home: one per set mastered (each set counted once). */
export function starCount(events: readonly ProgressEvent[]): number {
  return new Set(events.filter((e) => e.verb === 'mastered').map((e) => e.objectId)).size;
}
