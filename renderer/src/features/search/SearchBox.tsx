import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation, useNavigate, useSearchParams } from 'react-router-dom';
import { useSearchIndex } from './search-store';
import './search.css';

/**
 * Warm the index this long after the page loads, and then only when the page is idle: the library
 * must be interactive first (on a slow PC that can take several seconds), and building the index
 * fetches every manifest and computes pinyin for every title.
 */
const WARM_AFTER_MS = 15_000;

/**
 * The header's search box. Typing on the results page updates the results as you type; elsewhere
 * Enter (or the button) opens them. The index is warmed when the pointer comes over the box, when it
 * gets focus, or once the page has been idle for a while, so the first search rarely waits.
 */
export function SearchBox() {
  const { t } = useTranslation();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const onResults = location.pathname === '/search';
  const urlQuery = onResults ? (params.get('q') ?? '') : '';
  const [value, setValue] = useState(urlQuery);
  const { store } = useSearchIndex(false);

  useEffect(() => {
    if (onResults) setValue(urlQuery);
  }, [onResults, urlQuery]);

  useEffect(() => {
    const warm = () => void store.ensure().catch(() => undefined);
    const ric = window.requestIdleCallback;
    const timer = window.setTimeout(() => (ric ? ric(warm) : warm()), WARM_AFTER_MS);
    return () => window.clearTimeout(timer);
  }, [store]);

  const go = (q: string, replace: boolean) => navigate(`/search?q=${encodeURIComponent(q)}`, { replace });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (value.trim()) go(value.trim(), onResults);
  };

  return (
    <form role="search" className="search-box" onSubmit={submit} aria-label={t('search.label')} onPointerEnter={() => void store.ensure().catch(() => undefined)}>
      <input
        type="search"
        className="search-input"
        value={value}
        placeholder={t('search.placeholder')}
        aria-label={t('search.label')}
        enterKeyHint="search"
        autoComplete="off"
        spellCheck={false}
        onFocus={() => void store.ensure().catch(() => undefined)}
        onChange={(e) => {
          setValue(e.target.value);
          if (onResults) go(e.target.value, true);
        }}
      />
      <button type="submit" className="search-submit">
        {t('search.submit')}
      </button>
    </form>
  );
}
