import { describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import { formatEta, progressReporter } from './_progress';
import { parseArgv, formatBytes, type CliIO } from './_shared';

function io(tty: boolean): { io: CliIO; text: () => string } {
  let out = '';
  const stream = Object.assign(new Writable({ write: (c, _e, cb) => ((out += String(c)), cb()) }), { isTTY: tty, columns: 100 });
  return { io: { stdout: stream, stderr: stream, env: {}, cwd: '/' }, text: () => out };
}

describe('progress output', () => {
  it('redraws one bar with percentage and ETA on a TTY', () => {
    let t = 0;
    const { io: tty, text } = io(true);
    const r = progressReporter(tty, () => t);
    r.update({ phase: 'media', done: 0, total: 1000 });
    t = 2000;
    r.update({ phase: 'media', done: 500, total: 1000, current: 'a/b/数一数.mp4' });
    r.finish();
    const last = text().split('\r').pop()!;
    expect(last).toContain('50%');
    expect(last).toContain('ETA 00:02');
    expect(last).toContain('数一数.mp4');
    expect(text()).toContain('\x1b[2K');
  });
  it('prints plain lines (no escape codes) when stderr is not a TTY', () => {
    const { io: plain, text } = io(false);
    const r = progressReporter(plain, () => 0);
    for (let d = 0; d <= 100; d += 5) r.update({ phase: 'write', done: d, total: 100 });
    r.update({ phase: 'done', done: 1, total: 1 });
    expect(text()).not.toContain('\x1b');
    expect(text().trim().split('\n')).toHaveLength(12); // header + 0,10,…,100 %
    expect(formatEta(3725)).toBe('1:02:05');
    expect(formatEta(NaN)).toBe('--:--');
  });
  it('parses options the way the issue spells them', () => {
    const defs = { out: { type: 'string', description: { zh: '', en: '' } }, json: { type: 'boolean', description: { zh: '', en: '' } } } as const;
    expect(parseArgv(['a.tpk', '--out', 'x', '--json'], defs)).toEqual({ values: { out: 'x', json: true }, positionals: ['a.tpk'] });
    expect(parseArgv(['--out=y', '--', '--json'], defs)).toEqual({ values: { out: 'y' }, positionals: ['--json'] });
    expect(() => parseArgv(['--nope'], defs)).toThrow(/Unknown option/);
    expect(() => parseArgv(['--out'], defs)).toThrow(/needs a value/);
    expect(formatBytes(1536)).toBe('1.5 KB');
  });
});
