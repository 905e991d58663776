import { useEffect } from 'react';
import { NavLink, Outlet } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { AboutPanel } from '../features/about/AboutPanel';
import { SearchBox } from '../features/search/SearchBox';
import { SyncStatus } from '../features/sync/SyncStatus';
import { LanguageSwitch } from './LanguageSwitch';

/** The app frame: header (name, navigation, language), sync status, the page, about footer. */
export function Frame() {
  const { t, i18n } = useTranslation();
  useEffect(() => {
    document.title = t('app.name');
  }, [t, i18n.language]);
  return (
    <div className="frame">
      <a className="skip-link" href="#main" onClick={(e) => {
        e.preventDefault();
        document.getElementById('main')?.focus();
      }}>
        {t('app.skipToContent')}
      </a>
      <header className="app-header">
        <div className="brand">
          <span className="brand-name">{t('app.name')}</span>
          <span className="brand-tagline">{t('app.tagline')}</span>
        </div>
        <nav className="main-nav" aria-label={t('nav.label')}>
          <NavLink to="/" end className="nav-link">
            {t('nav.library')}
          </NavLink>
          <NavLink to="/teacher" className="nav-link">
            {t('nav.teacher')}
          </NavLink>
          <NavLink to="/student" className="nav-link">
            {t('nav.student')}
          </NavLink>
          <NavLink to="/materials" className="nav-link">
            {t('nav.materials')}
          </NavLink>
        </nav>
        <SearchBox />
        <LanguageSwitch />
      </header>
      <SyncStatus />
      <main id="main" className="page" tabIndex={-1}>
        <Outlet />
      </main>
      <AboutPanel />
    </div>
  );
}
