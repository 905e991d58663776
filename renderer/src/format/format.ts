// One formatBytes for the app and the command lines (common/format/bytes.ts).
export { formatBytes } from '../../../common/format/bytes';

export interface DurationParts {
  h: number;
  m: number;
  s: number;
}

/** Split seconds for the "预计还需 3 分 20 秒" line; rounds up so a nearly done import never says 0. */
export function durationParts(seconds: number): DurationParts {
  const total = Math.max(0, Math.ceil(seconds));
  return { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60), s: total % 60 };
}

/** Which duration message to use: hours+minutes, minutes+seconds, or seconds. */
export function durationKey(parts: DurationParts): 'duration.hours' | 'duration.minutes' | 'duration.seconds' {
  if (parts.h > 0) return 'duration.hours';
  if (parts.m > 0) return 'duration.minutes';
  return 'duration.seconds';
}

/** Fraction 0…1 of an import, safe for zero totals. */
export function fraction(done: number, total: number): number {
  if (!(total > 0)) return 0;
  return Math.min(1, Math.max(0, done / total));
}

/** Local date for "安装于 …" (2026-11-23 / 2026/11/23 style per language). */
export function formatDate(iso: string, language: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleDateString(language.startsWith('zh') ? 'zh-CN' : 'en-GB', { year: 'numeric', month: 'long', day: 'numeric' });
}
