import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ErrorMessage } from '../../app/ErrorMessage';
import { pickTitle, useLanguage } from '../../app/localized';
import { browseCatalog } from './catalog';
import { useCatalog } from './use-catalog';

/**
 * 学段/学科/版本/年级/册/单元/课 on a projector: breadcrumbs to go back up, one row of big buttons for
 * the next level, and the lessons as big links to their lesson pages.
 */
export function LessonBrowser() {
  const { t } = useTranslation();
  const language = useLanguage();
  const catalog = useCatalog();
  const [picks, setPicks] = useState<string[]>([]);
  const [pinned, setPinned] = useState<number | null>(null);
  const view = useMemo(() => browseCatalog(catalog.entries ?? [], picks, pinned), [catalog.entries, picks, pinned]);

  const goTo = (depth: number) => {
    setPicks(view.crumbs.slice(0, depth).map((c) => c.value));
    setPinned(depth);
  };
  const choose = (value: string) => {
    setPicks([...view.crumbs.map((c) => c.value), value]);
    setPinned(null);
  };

  return (
    <section className="card lesson-browser" aria-labelledby="lessons-title">
      <h2 id="lessons-title">{t('lessons.title')}</h2>
      {catalog.error ? <ErrorMessage error={catalog.error} onRetry={catalog.reload} /> : null}
      {catalog.entries === undefined && !catalog.error ? <p className="muted">{t('lessons.loading')}</p> : null}
      {catalog.entries && catalog.entries.length === 0 ? <p className="empty">{t('lessons.empty')}</p> : null}
      {catalog.entries && catalog.entries.length > 0 ? (
        <>
          <nav aria-label={t('lessons.crumbs')}>
            <ol className="crumbs">
              <li>
                <button type="button" className="crumb" onClick={() => goTo(0)} aria-current={view.crumbs.length === 0 ? 'location' : undefined}>
                  {t('lessons.all')}
                </button>
              </li>
              {view.crumbs.map((c, i) => (
                <li key={c.level}>
                  <button type="button" className="crumb" onClick={() => goTo(i + 1)} aria-current={i === view.crumbs.length - 1 ? 'location' : undefined}>
                    {pickTitle(c.title, language)}
                  </button>
                </li>
              ))}
            </ol>
          </nav>
          {view.level ? (
            <div role="group" aria-label={t('lessons.choose', { level: t(`lessons.levels.${view.level}`) })}>
              <p className="browse-prompt">{t('lessons.choose', { level: t(`lessons.levels.${view.level}`) })}</p>
              <ul className="browse-options">
                {view.options.map((o) => (
                  <li key={o.value}>
                    <button type="button" className="browse-option" onClick={() => choose(o.value)}>
                      <span className="browse-option-title">{pickTitle(o.title, language)}</span>
                      <span className="browse-option-meta">{t('lessons.lessonCount', { count: o.lessons })}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </div>
          ) : null}
          {view.lessons.length > 0 ? (
            <ul className="lesson-list" aria-label={t('lessons.list')}>
              {view.lessons.map((l) => {
                const title = pickTitle(l.title, language) ?? l.lessonId;
                return (
                  <li key={l.id}>
                    <Link className="lesson-link" to={`/lesson/${encodeURIComponent(l.packId)}/${encodeURIComponent(l.lessonId)}`}>
                      <span className="lesson-link-title">{title}</span>
                      <span className="lesson-link-meta">{t('lessons.resourceCount', { count: l.resourceCount })}</span>
                    </Link>
                  </li>
                );
              })}
            </ul>
          ) : null}
        </>
      ) : null}
    </section>
  );
}
