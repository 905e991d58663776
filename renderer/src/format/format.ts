/**
 * Human-readable sizes. Binary units (1 GB = 1024³ bytes) because that is what Windows Explorer
 * shows the teacher for the same disk or stick; unit names are the same in zh-CN and en.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  if (unit === 0) return `${bytes} B`;
  // Below 100: one decimal (12.3 GB), but no trailing ".0" (250 GB, 1 GB); above: whole numbers.
  let text = value < 100 ? (Math.round(value * 10) / 10).toFixed(1) : Math.round(value).toString();
  if (text.endsWith('.0')) text = text.slice(0, -2);
  if (text === '1024' && unit < units.length - 1) return `1 ${units[unit + 1]}`;
  return `${text} ${units[unit]}`;
}

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
