/**
 * Who is answering. The exercise runner needs only `{ id, name, classId }` of the signed-in child or
 * "nobody" — answers while nobody is signed in are refused (issue 7: no answer is ever recorded as
 * "unassigned"). This is the one place that knows where the sign-in lives: until the people feature
 * (renderer/src/features/people, engineer A1) exports its own hook, it is the `currentLearnerId`
 * setting in Dexie, read live so a sign-in or "换下一位同学" on another screen shows at once.
 */
import { liveQuery } from 'dexie';
import { useEffect, useState } from 'react';
import { useServices } from '../../app/services';
import type { TeachPointDB } from '../../db/db';

/** Settings key of the signed-in learner's id (absent or null: nobody). */
export const CURRENT_LEARNER_SETTING = 'currentLearnerId';

export interface ExerciseLearner {
  id: string;
  name: string;
  classId: string | null;
}

export type LearnerState = { status: 'loading' } | { status: 'none' } | { status: 'signed-in'; learner: ExerciseLearner };

/** The signed-in learner, or null (nobody, an unknown id, or an archived/deleted learner). */
export async function readSignedInLearner(db: TeachPointDB): Promise<ExerciseLearner | null> {
  const setting = await db.settings.get(CURRENT_LEARNER_SETTING);
  const id = typeof setting?.value === 'string' ? setting.value : null;
  if (!id) return null;
  const l = await db.learners.get(id);
  if (!l || l.deleted || l.archived) return null;
  return { id: l.id, name: l.name, classId: l.classId };
}

/** Live sign-in state for the exercise runner. Without a database nobody can be signed in. */
export function useExerciseLearner(): LearnerState {
  const { db } = useServices();
  const [state, setState] = useState<LearnerState>({ status: 'loading' });
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
