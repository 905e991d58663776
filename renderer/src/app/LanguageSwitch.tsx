import { useTranslation } from 'react-i18next';
import { SUPPORTED_LANGUAGES, type Language } from '../i18n/i18n';

const LABEL_KEY: Record<Language, 'language.zh' | 'language.en'> = { 'zh-CN': 'language.zh', en: 'language.en' };

/** Two buttons, "中文" and "English" (each in its own language), pressed state = current. */
export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <div className="language-switch" role="group" aria-label={t('language.label')}>
      {SUPPORTED_LANGUAGES.map((lng) => (
        <button
          key={lng}
          type="button"
          lang={lng}
          className="language-button"
          aria-pressed={i18n.language === lng}
          onClick={() => void i18n.changeLanguage(lng)}
        >
          {t(LABEL_KEY[lng])}
        </button>
      ))}
    </div>
  );
}
