import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';

/** Placeholder with real navigation: says exactly what is coming. */
export function StudentPage() {
  const { t } = useTranslation();
  return (
    <div className="student">
      <h1>{t('student.title')}</h1>
      <section className="card" aria-labelledby="student-coming">
        <h2 id="student-coming">{t('student.intro')}</h2>
        <ul className="coming">
          <li>{t('student.comingPick')}</li>
          <li>{t('student.comingExercises')}</li>
          <li>{t('student.comingStars')}</li>
        </ul>
      </section>
      <p>
        <Link to="/" className="button">
          {t('notFound.back')}
        </Link>
      </p>
    </div>
  );
}
