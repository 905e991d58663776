import { useTranslation } from 'react-i18next';
import { useExerciseLearner } from '../exercises/learner';
import { useMasteredSets } from './use-mastery';
import { setObjectId } from './mastery';
import '../exercises/exercises.css';

/**
 * "已掌握" next to an exercise set wherever it is listed (lesson page resource list, search results…),
 * for the signed-in child; nothing when nobody is signed in or the set is not mastered. Reads the
 * `mastered` events live, so it appears the moment the runner records mastery.
 */
export function MasteredMark({ packId, setId }: { packId: string; setId: string }) {
  const { t } = useTranslation();
  const who = useExerciseLearner();
  const mastered = useMasteredSets(who.status === 'signed-in' ? who.learner.id : null);
  if (!mastered?.has(setObjectId(packId, setId))) return null;
  return (
    <span className="mastered-mark" data-testid="mastered-mark">
      ★ {t('exercise.masteredBadge')}
    </span>
  );
}
