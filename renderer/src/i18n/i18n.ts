import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en';
import { zhCN } from './zh-CN';

export const SUPPORTED_LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof SUPPORTED_LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = 'zh-CN';
export const LANGUAGE_STORAGE_KEY = 'teachpoint.language';

export const resources = {
  'zh-CN': { translation: zhCN },
  en: { translation: en },
} as const;

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (SUPPORTED_LANGUAGES as readonly string[]).includes(value);
}

export interface CreateI18nOptions {
  /** Where the choice persists (localStorage by default; tests pass their own). */
  storage?: Pick<Storage, 'getItem' | 'setItem'> | null;
  /** Element whose `lang` follows the language (document.documentElement by default). */
  root?: HTMLElement | null;
}

/**
 * A ready (synchronously initialised) i18next instance: zh-CN unless the user chose otherwise
 * before. Changing the language persists it and updates `<html lang>` so screen readers and
 * CJK font selection follow.
 */
export function createI18n(options: CreateI18nOptions = {}): I18n {
  const storage = options.storage === undefined ? safeLocalStorage() : options.storage;
  const root = options.root === undefined ? document.documentElement : options.root;
  const saved = readSaved(storage);

  const instance = i18next.createInstance();
  instance.use(initReactI18next);
  void instance.init({
    resources,
    lng: saved ?? DEFAULT_LANGUAGE,
    fallbackLng: DEFAULT_LANGUAGE,
    supportedLngs: [...SUPPORTED_LANGUAGES],
    // 'zh-CN' must stay 'zh-CN' (not be reduced to 'zh').
    load: 'currentOnly',
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
    initAsync: false,
    showSupportNotice: false,
  });

  const apply = (lng: string) => {
    if (root) root.lang = lng;
  };
  apply(instance.language);
  instance.on('languageChanged', (lng) => {
    apply(lng);
    try {
      storage?.setItem(LANGUAGE_STORAGE_KEY, lng);
    } catch {
      // Private mode / quota: the switch still works for this session.
    }
  });
  return instance;
}

/** Pick the text of a { zh, en } pair (bridge errors) or a { 'zh-CN', en? } title for the current language. */
export function isChinese(i18n: Pick<I18n, 'language'>): boolean {
  return !i18n.language || i18n.language.startsWith('zh');
}

function readSaved(storage: Pick<Storage, 'getItem'> | null): Language | null {
  try {
    const value = storage?.getItem(LANGUAGE_STORAGE_KEY);
    return isLanguage(value) ? value : null;
  } catch {
    return null;
  }
}

function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
