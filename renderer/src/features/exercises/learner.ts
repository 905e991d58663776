/**
 * Who is answering. The exercise runner needs only `{ id, name, classId }` of the signed-in child or
 * "nobody" — answers while nobody is signed in are refused (issue 7: no answer is ever recorded as
 * "unassigned"). The sign-in itself belongs to the people feature (`features/people/signed-in.ts`);
 * this module only narrows its record to what an answer event carries.
 */
import { useSignedInLearner, type SignedInState } from '../people/signed-in';

export { CURRENT_LEARNER_SETTING } from '../people/signed-in';

export type ExerciseLearner = Pick<Extract<SignedInState, { status: 'signed-in' }>['learner'], 'id' | 'name' | 'classId'>;

/** Live sign-in state for the exercise runner (the people feature's hook, one source of truth). */
export function useExerciseLearner(): SignedInState {
  return useSignedInLearner();
}
