import { useTranslation } from 'react-i18next';
import { describeError, useLanguage } from './localized';

/** A bridge/TeachPoint error in the current language (message.zh or message.en) with its code. */
export function ErrorMessage({
  error,
  title,
  onRetry,
  onDismiss,
}: {
  error: unknown;
  title?: string;
  onRetry?: () => void;
  onDismiss?: () => void;
}) {
  const { t } = useTranslation();
  const language = useLanguage();
  const { code, text } = describeError(error, language, t('error.unexpected'));
  return (
    <div className="error" role="alert">
      <p className="error-title">{title ?? t('error.title')}</p>
      <p className="error-text">{text}</p>
      {code ? <p className="error-code">{t('error.code', { code })}</p> : null}
      {onRetry ? (
        <button type="button" className="button" onClick={onRetry}>
          {t('error.retry')}
        </button>
      ) : null}
      {onDismiss ? (
        <button type="button" className="button" onClick={onDismiss}>
          {t('error.dismiss')}
        </button>
      ) : null}
    </div>
  );
}
