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
