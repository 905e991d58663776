/**
 * Who is at the shared PC. The sign-in is the `currentLearnerId` setting in Dexie (the same key the
 * exercise runner's `features/exercises/learner.ts` reads), so every screen sees a sign-in or a
 * "换下一位同学" at once through Dexie's liveQuery. A child is signed in by one tap on their
 * avatar (plus their picture password when the class uses them); nobody signed in means answers
 * are refused with a prompt to pick a name (issue 7 item 3).
 */
import { liveQuery } from 'dexie';
import { useEffect, useState } from 'react';
import type { AvatarKey, LearnerRecord } from '../../../../common/records/records';
import { useServices } from '../../app/services';
import type { TeachPointDB } from '../../db/db';
import { trackWrite } from '../../db/pending-writes';

/** Settings key of the signed-in learner's id (null / absent: nobody). Shared with exercises/learner.ts. */
export const CURRENT_LEARNER_SETTING = 'currentLearnerId';
/** Settings key: seconds without a touch after which the student screen signs the child out (teacher setting). */
export const STUDENT_IDLE_SETTING = 'student.idleSeconds';
export const DEFAULT_STUDENT_IDLE_SECONDS = 180;
export const STUDENT_IDLE_CHOICES = [60, 120, 180, 300, 600, 0] as const; // 0 = never

export async function signIn(db: TeachPointDB, learnerId: string): Promise<void> {
  await trackWrite(db.settings.put({ key: CURRENT_LEARNER_SETTING, value: learnerId }));
}

export async function signOut(db: TeachPointDB): Promise<void> {
  await trackWrite(db.settings.put({ key: CURRENT_LEARNER_SETTING, value: null }));
}

/** The signed-in learner record, or null (nobody, unknown id, archived or deleted learner). */
export async function readSignedInLearner(db: TeachPointDB): Promise<LearnerRecord | null> {
  const setting = await db.settings.get(CURRENT_LEARNER_SETTING);
  const id = typeof setting?.value === 'string' ? setting.value : null;
  if (!id) return null;
  const l = await db.learners.get(id);
  return l && !l.deleted && !l.archived ? l : null;
}

export type SignedInState = { status: 'loading' } | { status: 'none' } | { status: 'signed-in'; learner: LearnerRecord };

/**
 * The child signed in on this PC, live. THE hook other features use to attribute work (the exercise
 * runner records answers under `learner.id` / `learner.classId` and refuses them when `none`).
 */
export function useSignedInLearner(): SignedInState {
  const { db } = useServices();
  const [state, setState] = useState<SignedInState>({ status: 'loading' });
  useEffect(() => {
    if (!db) {
      setState({ status: 'none' });
      return undefined;
    }
    const sub = liveQuery(() => readSignedInLearner(db)).subscribe({
      next: (l) => setState(l ? { status: 'signed-in', learner: l } : { status: 'none' }),
      error: () => setState({ status: 'none' }),
    });
    return () => sub.unsubscribe();
  }, [db]);
  return state;
}

export async function readStudentIdleSeconds(db: TeachPointDB): Promise<number> {
  const v = (await db.settings.get(STUDENT_IDLE_SETTING))?.value;
  return typeof v === 'number' && v >= 0 ? v : DEFAULT_STUDENT_IDLE_SECONDS;
}

export async function writeStudentIdleSeconds(db: TeachPointDB, seconds: number): Promise<void> {
  await trackWrite(db.settings.put({ key: STUDENT_IDLE_SETTING, value: seconds }));
}

/** Live value of a Dexie query in a component (undefined until the first answer). */
export function useLive<T>(query: (() => Promise<T>) | null, deps: readonly unknown[]): T | undefined {
  const [value, setValue] = useState<T | undefined>(undefined);
  useEffect(() => {
    if (!query) return undefined;
    const sub = liveQuery(query).subscribe({ next: setValue, error: (err: unknown) => console.error('[people] query failed', err) });
    return () => sub.unsubscribe();
  }, deps); // the caller lists what the query depends on
  return value;
}

/** Does `attempt` (taps in order) match the learner's picture password? */
export function picturePasswordMatches(expected: readonly AvatarKey[] | null, attempt: readonly AvatarKey[]): boolean {
  return expected !== null && expected.length === attempt.length && expected.every((k, i) => attempt[i] === k);
}
