import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorMessage } from './ErrorMessage';

/**
 * Remove that asks once more in place: a teacher on a projector must not delete a pack or a file
 * by one stray click. `texts` is the i18n section holding remove / removeConfirm ({{title}}) /
 * removeYes / removeNo / removing. The list refreshes itself from the host's change event.
 */
export function ConfirmRemove({
  title,
  texts,
  disabled = false,
  onRemove,
}: {
  title: string;
  texts: 'library' | 'materials';
  disabled?: boolean;
  onRemove: () => Promise<unknown>;
}) {
  const { t } = useTranslation();
  const [step, setStep] = useState<'idle' | 'confirm' | 'removing'>('idle');
  const [error, setError] = useState<unknown>(null);
  const remove = async () => {
    setStep('removing');
    setError(null);
    try {
      await onRemove();
    } catch (err) {
      setError(err);
    } finally {
      setStep('idle');
    }
  };
  return (
    <div className="pack-actions">
      {step === 'idle' ? (
        <button type="button" className="button button-small" disabled={disabled} onClick={() => setStep('confirm')}>
          {t(`${texts}.remove`)}
        </button>
      ) : null}
      {step === 'confirm' ? (
        <>
          <span className="confirm-text">{t(`${texts}.removeConfirm`, { title })}</span>
          <button type="button" className="button button-small button-danger" onClick={() => void remove()}>
            {t(`${texts}.removeYes`)}
          </button>
          <button type="button" className="button button-small" onClick={() => setStep('idle')}>
            {t(`${texts}.removeNo`)}
          </button>
        </>
      ) : null}
      {step === 'removing' ? <span className="muted">{t(`${texts}.removing`)}</span> : null}
      {error ? <ErrorMessage error={error} onDismiss={() => setError(null)} /> : null}
    </div>
  );
}
