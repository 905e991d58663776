/** Loading a page's data and showing what went wrong, in one place for every page. */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { describeError } from '../../../../renderer/src/app/localized';

export function errorText(error: unknown, language: string, fallback: string): string {
  return describeError(error, language, fallback).text;
}

export function ErrorLine({ error }: { error: unknown }) {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {errorText(error, i18n.language, t('errors.unknown', { status: '?' }))}
    </p>
  );
}

export type Loaded<T> = { data: T | undefined; error: unknown; loading: boolean; reload: () => void };

/** Runs `load` on mount and whenever `key` changes; `reload()` runs it again. */
export function useLoad<T>(load: () => Promise<T>, key: string): Loaded<T> {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` names everything `load` depends on
  const run = useCallback(load, [key]);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true, error: null }));
    run().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: unknown) => live && setState({ data: undefined, error, loading: false }),
    );
    return () => {
      live = false;
    };
  }, [run, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

/** Spinner text, the error with a retry button, or the page. */
export function LoadView<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  if (loaded.error) {
    return (
      <div>
        <ErrorLine error={loaded.error} />
        <button type="button" onClick={loaded.reload}>
          {t('app.retry')}
        </button>
      </div>
    );
  }
  if (loaded.data === undefined) return <p className="muted">{t('app.loading')}</p>;
  return <>{children(loaded.data)}</>;
}
