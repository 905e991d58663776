/**
 * The dashboard's languages: zh-CN first (county staff), English second. Its own small instance and
 * tables — the dashboard is a separate page on the cloud's origin and shares no strings with the
 * device app. The choice persists in localStorage and follows to `<html lang>`.
 */
import i18next, { type i18n as I18n } from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './locales/en';
import { zhCN } from './locales/zh-CN';

export const LANGUAGES = ['zh-CN', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];
const STORAGE_KEY = 'teachpoint.dashboard.language';

function saved(): Language | null {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return (LANGUAGES as readonly string[]).includes(v ?? '') ? (v as Language) : null;
  } catch {
    return null;
  }
}

export function createDashboardI18n(): I18n {
  const instance = i18next.createInstance();
  instance.use(initReactI18next);
  void instance.init({
    resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
    lng: saved() ?? 'zh-CN',
    fallbackLng: 'zh-CN',
    supportedLngs: [...LANGUAGES],
    load: 'currentOnly',
    interpolation: { escapeValue: false },
    initAsync: false,
    showSupportNotice: false,
  });
  document.documentElement.lang = instance.language;
  instance.on('languageChanged', (lng) => {
    document.documentElement.lang = lng;
    try {
      window.localStorage.setItem(STORAGE_KEY, lng);
    } catch {
      // Private mode: the switch still works for this visit.
    }
  });
  return instance;
}
