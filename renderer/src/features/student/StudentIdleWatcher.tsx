import { useEffect } from 'react';
import { useNavigate } from 'react-router-dom';
import { useServices } from '../../app/services';
import { readStudentIdleSeconds, signOut, useLive, useSignedInLearner } from '../people/signed-in';

/**
 * On a shared PC the next child must not find the previous one still signed in: after the idle
 * time the teacher chose (教师 → 设置; 0 = never) without a touch, key or click anywhere in the app,
 * the child is signed out and the screen goes back to the avatars. Mounted once for the whole app.
 */
export function StudentIdleWatcher() {
  const { db } = useServices();
  const signedIn = useSignedInLearner();
  const idleSeconds = useLive(db ? () => readStudentIdleSeconds(db) : null, [db]);
  const navigate = useNavigate();
  const learnerId = signedIn.status === 'signed-in' ? signedIn.learner.id : null;

  useEffect(() => {
    if (!db || !learnerId || !idleSeconds) return undefined;
    let timer = 0;
    const arm = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        void signOut(db).then(() => navigate('/student'));
      }, idleSeconds * 1000);
    };
    const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
    for (const e of events) window.addEventListener(e, arm, true);
    arm();
    return () => {
      window.clearTimeout(timer);
      for (const e of events) window.removeEventListener(e, arm, true);
    };
  }, [db, learnerId, idleSeconds, navigate]);
  return null;
}
