/**
 * `tpk build` inputs that used to slip through (issue 10 item 6): type errors in exercises.yaml
 * and control characters in a CSV cell are refused naming file, field / line and column.
 */
import { describe, expect, it } from 'vitest';
import { parseExerciseCsv, parseExerciseYaml } from './exercises';
import type { BuildProblem } from './problems';

const enc = (s: string) => new TextEncoder().encode(s);

describe('exercises.yaml type errors', () => {
  it('a mapping where the prompt text belongs → build.bad-field-type naming file, field and line (not "[object Object]")', () => {
    const problems: BuildProblem[] = [];
    const set = parseExerciseYaml('title: 加法\nitems:\n  - 题型: 填空\n    题目: {a: 1}\n    答案: 2\n', 'u1/加法.exercises.yaml', problems);
    expect(problems[0]).toMatchObject({ code: 'build.bad-field-type', file: 'u1/加法.exercises.yaml', field: '题目', row: 4 });
    expect(problems.slice(1).map((p) => p.code)).toEqual(['build.bad-item']); // and so the item has no prompt
    expect(JSON.stringify(set)).not.toContain('[object Object]');
  });

  it('title: [a list] → build.bad-field-type (not silently replaced by the file name)', () => {
    const problems: BuildProblem[] = [];
    parseExerciseYaml('title: [一, 二]\nitems:\n  - 题型: 填空\n    题目: 1+1=?\n    答案: 2\n', 'u1/a.exercises.yaml', problems);
    expect(problems).toEqual([expect.objectContaining({ code: 'build.bad-field-type', file: 'u1/a.exercises.yaml', field: 'title', row: 1 })]);
    expect(problems[0]!.message.zh).toContain('title');
  });
});

describe('control characters in a CSV cell', () => {
  it('a NUL in a cell → build.control-character naming file, line and column', () => {
    const problems: BuildProblem[] = [];
    parseExerciseCsv(enc('题型,题目,答案\n填空,1+1=\u0000?,2\n'), 'u1/练习.csv', problems);
    expect(problems).toEqual([expect.objectContaining({ code: 'build.control-character', file: 'u1/练习.csv', row: 2, column: 2 })]);
    expect(problems[0]!.message.zh).toContain('U+0000');
  });

  it('tabs and line breaks inside quoted cells stay allowed', () => {
    const problems: BuildProblem[] = [];
    const set = parseExerciseCsv(enc('题型,题目,答案\n填空,"第一行\n第二行\t制表",2\n'), 'u1/ok.csv', problems);
    expect(problems).toEqual([]);
    expect(set.items).toHaveLength(1);
  });
});

describe('file names that are not UTF-8 (a FAT stick mounted without iconv)', () => {
  it('a GBK-named file → build.bad-file-name naming the folder, the raw bytes and the GBK reading', async () => {
    const { mkdtempSync, rmSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { makeTinySource, LESSON1 } = await import('../../tests/fixtures/tiny-source');
    const { scanSource } = await import('./source');
    const root = mkdtempSync(join(tmpdir(), 'tp-gbk-name-'));
    try {
      makeTinySource(root);
      const gbk = Buffer.from([0xb5, 0xda, 0xd2, 0xbb, 0xbf, 0xce]); // 第一课 in GBK
      writeFileSync(Buffer.concat([Buffer.from(join(root, LESSON1) + '/'), gbk, Buffer.from('.pdf')]), '%PDF-1.4\n');
      const { problems } = await scanSource(root);
      const p = problems.find((x) => x.code === 'build.bad-file-name');
      expect(p, JSON.stringify(problems.map((x) => [x.code, x.file]))).toBeDefined();
      expect(p!.file).toBe(LESSON1);
      expect(p!.message.zh).toContain('第一课.pdf');
      expect(p!.message.en).toContain('b5 da d2 bb bf ce 2e 70 64 66');
      expect(problems.filter((x) => x.code !== 'build.bad-file-name')).toEqual([]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('subtitles without cues', () => {
  it('random bytes named .srt, or a WEBVTT header alone, are refused (no-cues); real ones convert', async () => {
    const { subtitleToVtt } = await import('../media/text');
    const { decodeText } = await import('../media/text');
    const random = decodeText(Uint8Array.from({ length: 2000 }, (_, i) => (i * 7919 + 13) & 0xff)).text;
    expect(subtitleToVtt(random, true)).toEqual({ error: 'no-cues' });
    expect(subtitleToVtt('WEBVTT\n\n', false)).toEqual({ error: 'no-cues' });
    expect(subtitleToVtt('hello', false)).toEqual({ error: 'not-vtt' });
    expect(subtitleToVtt('1\r\n00:00:01,000 --> 00:00:02,500\r\n数一数\r\n', true)).toEqual({ vtt: 'WEBVTT\n\n1\n00:00:01.000 --> 00:00:02.500\n数一数\n' });
  });
});
