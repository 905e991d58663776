import type { ImportProgress } from '../../common/bridge/methods/packs';
import { formatEta } from '../cli/_progress';
import { formatBytes } from '../cli/_shared';

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
