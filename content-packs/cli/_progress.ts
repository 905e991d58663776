/**
 * Terminal progress for long commands: a redrawn bar with ETA when stderr is a TTY, otherwise one
 * plain line per phase change and every 10 % (log files and CI stay readable).
 */
import type { BuildProgress } from '../build/build';
import type { CliIO } from './_shared';
import { formatBytes } from './_shared';

const PHASE: Record<BuildProgress['phase'], string> = {
  scan: '扫描 / scan',
  media: '媒体处理 / media',
  write: '写入 / write',
  done: '完成 / done',
};

/** Seconds → `mm:ss` or `h:mm:ss`; unknown (null, NaN, negative) → `--:--`. */
export function formatEta(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}` : `${String(m).padStart(2, '0')}:${String(sec).padStart(2, '0')}`;
}

export function progressReporter(io: CliIO, now: () => number = () => Date.now()): { update: (p: BuildProgress) => void; finish: () => void } {
  const tty = io.stderr.isTTY === true && io.env.TERM !== 'dumb';
  let phase = '';
  let phaseStart = now();
  let lastDraw = 0;
  let lastTenth = -1;
  let drawn = false;
  const update = (p: BuildProgress): void => {
    const t = now();
    if (p.phase !== phase) {
      if (drawn && tty) io.stderr.write('\n');
      drawn = false;
      phase = p.phase;
      phaseStart = t;
      lastTenth = -1;
      if (!tty && p.phase !== 'done') io.stderr.write(`${PHASE[p.phase]} …\n`);
    }
    if (p.phase === 'done' || p.phase === 'scan') return;
    const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
    const elapsed = (t - phaseStart) / 1000;
    const eta = frac >= 1 ? 0 : frac > 0.02 && elapsed > 0.5 ? (elapsed / frac) * (1 - frac) : NaN;
    const amount = `${formatBytes(p.done)}/${formatBytes(p.total)}`;
    if (tty) {
      if (t - lastDraw < 100 && frac < 1) return;
      lastDraw = t;
      const width = Math.max(10, Math.min(40, (io.stderr.columns ?? 80) - 60));
      const fill = Math.round(frac * width);
      const bar = '█'.repeat(fill) + '░'.repeat(width - fill);
      const current = p.current ? ` ${p.current.split('/').pop()!.slice(0, 24)}` : '';
      io.stderr.write(`\r\x1b[2K${PHASE[p.phase]} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${amount} ETA ${formatEta(eta)}${current}`);
      drawn = true;
    } else {
      const tenth = Math.floor(frac * 10);
      if (tenth !== lastTenth) {
        lastTenth = tenth;
        io.stderr.write(`  ${PHASE[p.phase]} ${tenth * 10}% ${amount}${Number.isFinite(eta) ? ` ETA ${formatEta(eta)}` : ''}\n`);
      }
    }
  };
  return {
    update,
    finish: () => {
      if (drawn && tty) io.stderr.write('\n');
      drawn = false;
    },
  };
}
