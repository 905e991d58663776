import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

/** Placeholder with real navigation: says exactly what is coming (issue 5 onward). */
export function TeacherPage() {
  const { t } = useTranslation();
  return (
    <div className="teacher">
      <h1>{t('teacher.title')}</h1>
      <section className="card" aria-labelledby="teacher-coming">
        <h2 id="teacher-coming">{t('teacher.intro')}</h2>
        <ul className="coming">
          <li>{t('teacher.comingAssign')}</li>
          <li>{t('teacher.comingReport')}</li>
        </ul>
      </section>
      <section className="card" aria-labelledby="my-materials">
        <h2 id="my-materials">{t('teacher.materialsTitle')}</h2>
        <p>{t('teacher.materialsBody')}</p>
        <Link to="/materials" className="button">
          {t('teacher.materialsOpen')}
        </Link>
      </section>
      <section className="card">
        <p>{t('teacher.lessonsBody')}</p>
        <Link to="/" className="button">
          {t('teacher.lessonsOpen')}
        </Link>
      </section>
      <p>
        <Link to="/" className="button">
          {t('notFound.back')}
        </Link>
      </p>
    </div>
  );
}
