import type { ImportProgress } from '../../common/bridge/methods/packs';

/** "1.2 GB" style sizes (powers of 1024, labelled like Windows Explorer does). */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return `${u === 0 ? v.toFixed(0) : v.toFixed(v >= 100 ? 0 : 1)} ${units[u]}`;
}

export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** One terminal line: `[#####-----]  45%  1.2 GB / 2.6 GB  剩余 0:31  第3课 小蝌蚪找妈妈`. */
export function renderProgressLine(p: ImportProgress, width = 100): string {
  if (p.phase === 'verifying') return `校验签名与清单 / verifying signature and manifest…`;
  if (p.phase === 'switching') return `切换到新版本 / switching to the new version…`;
  const frac = p.bytesTotal > 0 ? Math.min(1, p.bytesDone / p.bytesTotal) : 1;
  const bar = '#'.repeat(Math.round(frac * 20)).padEnd(20, '-');
  const pct = `${Math.floor(frac * 100)}%`.padStart(4);
  const line = `[${bar}] ${pct}  ${formatBytes(p.bytesDone)} / ${formatBytes(p.bytesTotal)}  ETA ${formatEta(p.etaSeconds)}  ${p.currentTitle ?? ''}`;
  return [...line].slice(0, width).join('');
}
