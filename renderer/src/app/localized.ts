import { useTranslation } from 'react-i18next';
import { isTeachPointError, type LocalizedText } from '../../../common/errors/errors';

type Title = { 'zh-CN': string } & Record<string, string | undefined>;

/** Current-language text of a pack/lesson title: its own language if the pack has it, else zh-CN. */
export function pickTitle(title: Title | null | undefined, language: string): string | null {
  if (!title) return null;
  if (language.startsWith('zh')) return title['zh-CN'];
  return title[language] ?? title[language.split('-')[0] ?? ''] ?? title['zh-CN'];
}

export function pickText(text: LocalizedText, language: string): string {
  return language.startsWith('zh') ? text.zh : text.en;
}

export function useLanguage(): string {
  const { i18n } = useTranslation();
  return i18n.language || 'zh-CN';
}

/** { code, text } to show for any thrown value, in the current language. */
export function describeError(error: unknown, language: string, fallback: string): { code: string | null; text: string } {
  if (isTeachPointError(error)) return { code: error.code, text: pickText(error.localized, language) };
  return { code: null, text: fallback };
}
