import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { pickTitle, useLanguage } from '../../app/localized';
import { clock, useLastLesson, type LessonPosition } from './positions';

/** Link target that reopens the lesson at the remembered item (LessonPage reads `?item=`). */
export function resumeHref(p: LessonPosition): string {
  return `/lesson/${encodeURIComponent(p.packId)}/${encodeURIComponent(p.lessonId)}?item=${encodeURIComponent(p.itemKey)}`;
}

/**
 * "继续上次的课" for the teacher's home: the last lesson opened on this computer, the resource and
 * the second or page it was left at, one click back into it. Renders nothing while loading; says what
 * will appear here when no lesson was opened yet (unless `hideWhenEmpty`).
 */
export function ContinueWhereLeftOff({ hideWhenEmpty = false }: { hideWhenEmpty?: boolean }) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { loading, position } = useLastLesson();
  if (loading) return null;
  if (!position) {
    return hideWhenEmpty ? null : (
      <section className="card resume" aria-labelledby="resume-title">
        <h2 id="resume-title">{t('resume.title')}</h2>
        <p className="muted">{t('resume.none')}</p>
      </section>
    );
  }
  const title = pickTitle(position.lessonTitle, language) ?? position.lessonId;
  const where =
    position.page !== undefined
      ? t('resume.atPage', { resource: position.itemTitle, page: position.page })
      : position.seconds !== undefined && position.seconds > 0
        ? t('resume.at', { resource: position.itemTitle, time: clock(position.seconds) })
        : position.itemTitle;
  return (
    <section className="card resume" aria-labelledby="resume-title">
      <h2 id="resume-title">{t('resume.title')}</h2>
      <Link className="button button-primary resume-link" to={resumeHref(position)}>
        {t('resume.open', { title })}
      </Link>
      <p className="muted resume-where">{where}</p>
    </section>
  );
}
