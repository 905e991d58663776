/** Numbers and times the way county staff read them, in the page's language (sizes: common/format/bytes, as on the device). */

const DAY = 24 * 3600 * 1000;
/** Beyond this a teaching point's last sync shows in red. */
export const STALE_AFTER_MS = 7 * DAY;

export function isStale(lastSyncAt: string | null, now: number): boolean {
  return lastSyncAt === null || now - Date.parse(lastSyncAt) > STALE_AFTER_MS;
}

/** "3 天前" / "3 days ago"; null when never. */
export function relativeTime(iso: string, now: number, language: string): string {
  const diff = Date.parse(iso) - now;
  const abs = Math.abs(diff);
  const rtf = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
  if (abs < 60_000) return rtf.format(0, 'second');
  if (abs < 3600_000) return rtf.format(Math.round(diff / 60_000), 'minute');
  if (abs < DAY) return rtf.format(Math.round(diff / 3600_000), 'hour');
  return rtf.format(Math.round(diff / DAY), 'day');
}

export function dateTime(iso: string, language: string): string {
  return new Intl.DateTimeFormat(language, { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' }).format(new Date(iso));
}

export function count(n: number, language: string): string {
  return new Intl.NumberFormat(language).format(n);
}

export function percent(part: number, whole: number, language: string): string {
  if (whole === 0) return '—';
  return new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 }).format(part / whole);
}
