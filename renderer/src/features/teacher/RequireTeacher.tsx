import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../app/ErrorMessage';
import { PinPanel } from './PinPanel';
import { useTeacherMode } from './teacher-mode';

/**
 * A whole page for teachers only (e.g. 学习报告, which shows every child's results): locked, it shows
 * the PIN screen in its place, so a child who types the address sees no one's work.
 */
export function RequireTeacher({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const mode = useTeacherMode();
  if (mode.unlocked) return <>{children}</>;
  if (mode.state.status === 'checking') return <p className="muted">{t('people.loading')}</p>;
  if (mode.state.status === 'error') return <ErrorMessage error={mode.state.error} onRetry={mode.refresh} />;
  return (
    <div className="teacher">
      <h1>{t('teacher.title')}</h1>
      <PinPanel mode={mode} />
    </div>
  );
}
