/**
 * The dashboard shell: who is signed in (GET /auth/me), the county in view (a county admin's own; a
 * province admin picks one or all), the page from the URL hash (#/schools …), the header and nav.
 */
import { useCallback, useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { SESSION_EXPIRED_EVENT, api, type County, type Me } from './api';
import { LANGUAGES } from './i18n';
import { BundlesPage } from './pages/BundlesPage';
import { CodesPage } from './pages/CodesPage';
import { PacksPage } from './pages/PacksPage';
import { ProgressPage } from './pages/ProgressPage';
import { SchoolsPage } from './pages/SchoolsPage';
import { SignInPage } from './pages/SignInPage';

const PAGES = ['schools', 'packs', 'progress', 'codes', 'bundles'] as const;
type Page = (typeof PAGES)[number];

function pageFromHash(): Page {
  const name = window.location.hash.replace(/^#\/?/, '');
  return (PAGES as readonly string[]).includes(name) ? (name as Page) : 'schools';
}

export interface PageProps {
  /** The county in view; null = every county (province admin only). */
  countyId: string | null;
}

export function App() {
  const { t } = useTranslation();
  // undefined: still asking; null: signed out.
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  const [counties, setCounties] = useState<County[]>([]);
  const [countyId, setCountyId] = useState<string | null>(null);
  const [page, setPage] = useState<Page>(pageFromHash);

  const signedIn = useCallback(async () => {
    try {
      const who = await api<Me>('GET', '/auth/me');
      setCounties(await api<County[]>('GET', '/admin/counties'));
      setCountyId(who.countyId);
      setMe(who);
    } catch {
      setMe(null);
    }
  }, []);

  useEffect(() => {
    void signedIn();
    const expired = () => setMe(null);
    const hash = () => setPage(pageFromHash());
    window.addEventListener(SESSION_EXPIRED_EVENT, expired);
    window.addEventListener('hashchange', hash);
    return () => {
      window.removeEventListener(SESSION_EXPIRED_EVENT, expired);
      window.removeEventListener('hashchange', hash);
    };
  }, [signedIn]);

  const signOut = async () => {
    await api('POST', '/auth/logout').catch(() => undefined);
    setMe(null);
  };

  if (me === undefined) return <p className="muted page">{t('app.loading')}</p>;
  if (me === null) return <SignInPage onSignedIn={signedIn} header={<Header />} />;

  const countyName = counties.find((c) => c.id === me.countyId)?.name;
  return (
    <div className="frame">
      <Header>
        {me.role === 'province-admin' ? (
          <label className="county-pick">
            <span className="visually-hidden">{t('app.county')}</span>
            <select value={countyId ?? ''} onChange={(e) => setCountyId(e.target.value || null)}>
              <option value="">{t('app.allCounties')}</option>
              {counties.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <span className="county-name">{countyName}</span>
        )}
        <span className="who">
          {me.username}
          {me.role === 'province-admin' ? ` · ${t('app.province')}` : ''}
        </span>
        <button type="button" className="header-button" onClick={() => void signOut()}>
          {t('app.signOut')}
        </button>
      </Header>
      <nav className="main-nav" aria-label={t('nav.label')}>
        {PAGES.map((p) => (
          <a key={p} href={`#/${p}`} className={p === page ? 'nav-link active' : 'nav-link'} aria-current={p === page ? 'page' : undefined}>
            {t(`nav.${p}`)}
          </a>
        ))}
      </nav>
      <main className="page">
        {page === 'schools' && <SchoolsPage countyId={countyId} />}
        {page === 'packs' && <PacksPage countyId={countyId} />}
        {page === 'progress' && <ProgressPage countyId={countyId} />}
        {page === 'codes' && <CodesPage countyId={countyId} />}
        {page === 'bundles' && <BundlesPage countyId={countyId} />}
      </main>
    </div>
  );
}

function Header({ children }: { children?: React.ReactNode }) {
  const { t, i18n } = useTranslation();
  return (
    <header className="app-header">
      <span className="brand">{t('app.title')}</span>
      {children}
      <div className="language-switch" role="group" aria-label={t('language.label')}>
        {LANGUAGES.map((lng) => (
          <button key={lng} type="button" lang={lng} className="header-button" aria-pressed={i18n.language === lng} onClick={() => void i18n.changeLanguage(lng)}>
            {t(lng === 'zh-CN' ? 'language.zh' : 'language.en')}
          </button>
        ))}
      </div>
    </header>
  );
}
