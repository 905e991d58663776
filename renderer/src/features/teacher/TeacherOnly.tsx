import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { useTeacherMode } from './teacher-mode';

/**
 * Shows its children only in teacher mode (removal, export, import, 我的资料 changes). Elsewhere a
 * short note with a link to unlock — or nothing with `quiet`. The host enforces the same rule on
 * its side; this only keeps student screens free of controls that would be refused anyway.
 */
export function TeacherOnly({ children, quiet = false }: { children: ReactNode; quiet?: boolean }) {
  const { unlocked } = useTeacherMode();
  const { t } = useTranslation();
  if (unlocked) return <>{children}</>;
  if (quiet) return null;
  return (
    <p className="muted teacher-only-note" data-testid="teacher-only-note">
      {t('people.teacherOnly')} <Link to="/teacher">{t('people.teacherOnlyLink')}</Link>
    </p>
  );
}
