import { useEffect } from 'react';
import { NavLink, Outlet } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { AboutLine } from '../features/about/AboutPage';
import { SearchBox } from '../features/search/SearchBox';
import { SyncStatus } from '../features/sync/SyncStatus';
import { LanguageSwitch } from './LanguageSwitch';

/**
 * The app frame: one compact header row (name, navigation, search, language), one status line, the
 * page, and a one-line footer (version, free disk, link to the About page). At 1024×768 the header
 * and status together stay under ~100 px in both languages so the lesson and its controls fit.
 */
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
          <span className="brand-name" title={t('app.tagline')}>
            {t('app.name')}
          </span>
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
      <AboutLine />
    </div>
  );
}
