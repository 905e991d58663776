/** Sign-in: user name + password; the cloud's own message for a wrong password, a lock-out (with minutes) or a rate limit. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api';
import { ErrorLine } from '../load';

export function SignInPage({ onSignedIn, header }: { onSignedIn: () => Promise<void>; header: ReactNode }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api('POST', '/auth/login', { username: username.trim(), password });
      setPassword('');
      await onSignedIn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="frame">
      {header}
      <main className="page sign-in">
        <form className="card" onSubmit={(e) => void submit(e)}>
          <h1>{t('signIn.heading')}</h1>
          <p className="muted">{t('signIn.intro')}</p>
          <label className="field">
            <span>{t('signIn.username')}</span>
            <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
          </label>
          <label className="field">
            <span>{t('signIn.password')}</span>
            <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
          </label>
          <ErrorLine error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? t('signIn.submitting') : t('signIn.submit')}
          </button>
        </form>
      </main>
    </div>
  );
}
