import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from '../../app/ErrorMessage';
import { useServices } from '../../app/services';
import type { TeacherMode } from './teacher-mode';

const PIN_PATTERN = /^\d{4,8}$/;

/**
 * The teacher's door: choose a PIN on first use, enter it later, or set a new one with the reset code
 * printed by `npx teachpoint teacher reset-pin` (no network). The host checks and stores everything.
 */
export function PinPanel({ mode }: { mode: TeacherMode }) {
  const { t } = useTranslation();
  const { bridge } = useServices();
  const [view, setView] = useState<'enter' | 'reset'>('enter');
  const [pin, setPin] = useState('');
  const [pin2, setPin2] = useState('');
  const [code, setCode] = useState('');
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const firstUse = mode.state.status === 'no-pin';
  const choosing = firstUse || view === 'reset';

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNote(null);
    if (!PIN_PATTERN.test(pin)) return setNote(t('people.pinFormat'));
    if (choosing && pin !== pin2) return setNote(t('people.pinMismatch'));
    setBusy(true);
    try {
      const r = firstUse
        ? await bridge.call('teacher.setPin', { pin })
        : view === 'reset'
          ? await bridge.call('teacher.resetPin', { code, pin })
          : await bridge.call('teacher.unlock', { pin });
      setPin('');
      setPin2('');
      setCode('');
      mode.enter(r.session);
    } catch (err) {
      setError(err);
      setPin('');
      mode.refresh();
    } finally {
      setBusy(false);
    }
  };

  const heading = firstUse ? t('people.pinSetTitle') : view === 'reset' ? t('people.pinResetTitle') : t('people.pinEnterTitle');
  return (
    <section className="card pin-panel" aria-labelledby="pin-title">
      <h2 id="pin-title">{heading}</h2>
      <p>{firstUse ? t('people.pinSetBody') : view === 'reset' ? t('people.pinResetBody') : t('people.pinEnterBody')}</p>
      <form onSubmit={(e) => void submit(e)} className="pin-form">
        {view === 'reset' && !firstUse ? (
          <label className="field">
            <span>{t('people.resetCode')}</span>
            <input value={code} onChange={(e) => setCode(e.target.value)} inputMode="numeric" autoComplete="off" placeholder="1234-5678-9012" required />
          </label>
        ) : null}
        <label className="field">
          <span>{choosing ? t('people.newPin') : t('people.pin')}</span>
          <input type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={pin} onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))} autoFocus />
        </label>
        {choosing ? (
          <label className="field">
            <span>{t('people.pinAgain')}</span>
            <input type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={pin2} onChange={(e) => setPin2(e.target.value.replace(/\D/g, ''))} />
          </label>
        ) : null}
        <button type="submit" className="button button-primary" disabled={busy}>
          {firstUse ? t('people.pinSetButton') : view === 'reset' ? t('people.pinResetButton') : t('people.pinEnterButton')}
        </button>
      </form>
      {note ? (
        <p className="notice" role="alert">
          {note}
        </p>
      ) : null}
      {error ? <ErrorMessage error={error} /> : null}
      {!firstUse ? (
        <p>
          <button type="button" className="button-link" onClick={() => setView(view === 'reset' ? 'enter' : 'reset')}>
            {view === 'reset' ? t('people.pinBackToEnter') : t('people.pinForgot')}
          </button>
        </p>
      ) : null}
      {view === 'reset' && !firstUse ? <p className="muted">{t('people.pinResetHow')}</p> : null}
    </section>
  );
}
