import { useEffect, useState } from 'react';
import type { TeachPointDB } from '../../db/db';

/** Settings key the student page will write when a child picks their name (DESIGN journey 4). */
export const CURRENT_LEARNER_SETTING = 'currentLearnerId';
/**
 * learnerId of answers given while nobody is picked. Honest: such events belong to no child and the
 * UI says so ("未选择学生"); the sync engine / teacher report can tell them apart.
 */
export const UNASSIGNED_LEARNER_ID = 'unassigned';

export interface CurrentLearner {
  id: string;
  /** null: nobody is picked (show the placeholder text). */
  name: string | null;
}

export async function readCurrentLearner(db: TeachPointDB | null): Promise<CurrentLearner> {
  if (!db) return { id: UNASSIGNED_LEARNER_ID, name: null };
  const setting = await db.settings.get(CURRENT_LEARNER_SETTING);
  const id = typeof setting?.value === 'string' ? setting.value : null;
  if (!id) return { id: UNASSIGNED_LEARNER_ID, name: null };
  const learner = await db.learners.get(id);
  return learner ? { id: learner.id, name: learner.name } : { id: UNASSIGNED_LEARNER_ID, name: null };
}

export function useCurrentLearner(db: TeachPointDB | null): CurrentLearner | undefined {
  const [learner, setLearner] = useState<CurrentLearner | undefined>(undefined);
  useEffect(() => {
    let live = true;
    readCurrentLearner(db).then(
      (l) => live && setLearner(l),
      () => live && setLearner({ id: UNASSIGNED_LEARNER_ID, name: null }),
    );
    return () => {
      live = false;
    };
  }, [db]);
  return learner;
}
