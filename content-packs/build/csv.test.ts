import { describe, expect, it } from 'vitest';
import { TextEncoder } from 'node:util';
import { parseCsv, sniffDelimiter } from './csv';
import { parseExerciseCsv, parseExerciseYaml, parseNumber, toHalfWidth } from './exercises';
import type { BuildProblem } from './problems';

const values = (text: string) => parseCsv(text).records.map((r) => r.cells.map((c) => c.value));

// "题型,题目,选项,答案" + rows, encoded in GBK by hand (Node has no GBK encoder): bytes checked with iconv.
const GBK: Record<string, number[]> = {
  题型: [0xcc, 0xe2, 0xd0, 0xcd],
  题目: [0xcc, 0xe2, 0xc4, 0xbf],
  答案: [0xb4, 0xf0, 0xb0, 0xb8],
  判断: [0xc5, 0xd0, 0xb6, 0xcf],
  对: [0xb6, 0xd4],
  你好: [0xc4, 0xe3, 0xba, 0xc3],
};
const gbk = (...parts: Array<string | keyof typeof GBK>): Buffer =>
  Buffer.concat(parts.map((p) => (p in GBK ? Buffer.from(GBK[p]!) : Buffer.from(p, 'latin1'))));

describe('parseCsv (RFC 4180)', () => {
  it('handles quoted fields with commas, doubled quotes and embedded newlines', () => {
    const text = 'a,b,c\r\n"1,5","say ""hi""","line1\r\nline2"\r\nx,,z';
    expect(values(text)).toEqual([
      ['a', 'b', 'c'],
      ['1,5', 'say "hi"', 'line1\nline2'],
      ['x', '', 'z'],
    ]);
    const r = parseCsv(text);
    expect(r.problems).toEqual([]);
    // the record after a 2-line field starts on line 4
    expect(r.records[2]!.row).toBe(4);
    expect(r.records[2]!.cells[2]).toEqual({ value: 'z', row: 4, column: 3 });
  });
  it('strips a BOM, accepts LF, a missing final newline and a trailing empty field', () => {
    expect(values('\uFEFFa,b\nc,')).toEqual([['a', 'b'], ['c', '']]);
    expect(values('a,b\n')).toEqual([['a', 'b']]);
  });
  it('reports syntax problems with row and column instead of throwing', () => {
    const r = parseCsv('a,b\nok,"unclosed\nmore');
    expect(r.problems).toEqual([{ row: 2, column: 2, kind: 'unterminated-quote' }]);
    expect(parseCsv('a,b"c\n').problems).toEqual([{ row: 1, column: 2, kind: 'quote-in-unquoted-field' }]);
    expect(parseCsv('"a"x,b\n').problems).toEqual([{ row: 1, column: 1, kind: 'text-after-closing-quote' }]);
  });
  it('sniffs ; and TAB delimiters (European Excel / copy-paste)', () => {
    expect(sniffDelimiter('题型;题目;答案\n')).toBe(';');
    expect(sniffDelimiter('题型\t题目\t答案\n')).toBe('\t');
    expect(values('a;"b;c"\n1;2')).toEqual([['a', 'b;c'], ['1', '2']]);
  });
});

describe('exercise sheets', () => {
  it('reads a GBK CSV as Excel on Chinese Windows saves it', () => {
    const bytes = gbk('题型', ',', '题目', ',', '答案', '\r\n', '判断', ',', '你好', ',', '对', '\r\n');
    const problems: BuildProblem[] = [];
    const set = parseExerciseCsv(bytes, 'gbk.csv', problems);
    expect(problems).toEqual([]);
    expect(set.items.map((d) => d.item)).toEqual([{ id: 'q1', type: 'true-false', prompt: '你好', hints: [], correct: true }]);
  });

  it('maps every item type from Chinese headers (UTF-8 with BOM), with English aliases accepted', () => {
    const rows = [
      '编号,题型,题目,选项,答案,提示,解析,拼音,容差,单位',
      'a1,单选,3 + 2 = ?,A. 4|B. 5|C. 6,B,数一数手指,3 加 2 等于 5,,,',
      'a2,多选,哪些是双数？,2|3|4|5,"A,C",,,,,',
      'a3,判断,5 比 3 大。,,√,,,,,',
      'a4,填空,"“大”的反义词是____。",,小|小的,,,dà,,',
      'a5,数值,一支铅笔 1.5 元，两支多少元？,,3,,,,0.01,元',
      'a6,连线,把数字和汉字连起来,1=一|2=二|3=三,,,,,,',
      'a7,排序,从小到大排列,5|1|3,BCA,,,,,',
    ];
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(new TextEncoder().encode(rows.join('\r\n')))]);
    const problems: BuildProblem[] = [];
    const set = parseExerciseCsv(bytes, 'all.csv', problems);
    expect(problems).toEqual([]);
    const items = set.items.map((d) => d.item);
    expect(items.map((i) => i.type)).toEqual(['single-choice', 'multiple-choice', 'true-false', 'text-entry', 'numeric', 'match', 'order']);
    expect(items[0]).toMatchObject({ id: 'a1', correct: 'B', hints: ['数一数手指'], explanation: '3 加 2 等于 5', choices: [{ id: 'A', text: '4' }, { id: 'B', text: '5' }, { id: 'C', text: '6' }] });
    expect(items[1]).toMatchObject({ correct: ['A', 'C'] });
    expect(items[2]).toMatchObject({ correct: true });
    expect(items[3]).toMatchObject({ accepted: ['小', '小的'], pinyin: 'dà', normalize: { ignoreWidth: true, ignoreCase: true, ignoreWhitespace: true } });
    expect(items[4]).toMatchObject({ answer: 3, tolerance: 0.01, unit: '元' });
    expect(items[5]).toMatchObject({ left: [{ id: 'L1', text: '1' }, { id: 'L2', text: '2' }, { id: 'L3', text: '3' }], pairs: [{ left: 'L1', right: 'R1' }, { left: 'L2', right: 'R2' }, { left: 'L3', right: 'R3' }] });
    expect(items[6]).toMatchObject({ sequence: ['B', 'C', 'A'] });

    const en = parseExerciseCsv(Buffer.from('Type,Question,Options,Answer\nsingle-choice,1+1?,1|2,B\n'), 'en.csv', problems);
    expect(problems).toEqual([]);
    expect(en.items[0]!.item).toMatchObject({ type: 'single-choice', correct: 'B' });
  });

  it('reports every bad row with its row and column', () => {
    const text = [
      '题型,题目,选项,答案',
      '单选,1+1=?,A. 1|B. 2,E', // answer not an option → row 2, column 4
      '问卷,你喜欢数学吗？,,', // unknown type → row 3, column 1
      '数值,"两个',
      '苹果",,三', // not a number; record starts on row 4
      '判断,太阳从西边升起。,,也许', // row 6
      '排序,排一排,1|2|3,AB', // row 7
    ].join('\n');
    const problems: BuildProblem[] = [];
    const set = parseExerciseCsv(Buffer.from(text), '练习.csv', problems);
    expect(set.items).toEqual([]);
    expect(problems.map((p) => [p.code, p.row, p.column, p.field])).toEqual([
      ['build.bad-answer', 2, 4, '答案'],
      ['build.unknown-item-type', 3, 1, '题型'],
      ['build.bad-answer', 4, 4, '答案'],
      ['build.bad-answer', 6, 4, '答案'],
      ['build.bad-answer', 7, 4, '答案'],
    ]);
    expect(problems.every((p) => p.file === '练习.csv' && p.message.zh && p.message.en)).toBe(true);
  });

  it('reads *.exercises.yaml with line numbers in problems', () => {
    const yaml = ['title: 认识钟表', 'mastery: 3连对', 'items:', '  - type: 单选', '    prompt: 几点了？', '    options: [3点, 4点]', '    answer: A', '  - type: 判断', '    prompt: 一天有 24 小时。', '    answer: true', '  - type: 单选', '    prompt: 错的', '    options: [甲, 乙]', '    answer: C'].join('\n');
    const problems: BuildProblem[] = [];
    const set = parseExerciseYaml(yaml, 'clock.exercises.yaml', problems);
    expect(set.title).toBe('认识钟表');
    expect(set.mastery).toEqual({ type: 'n-in-a-row', n: 3 });
    expect(set.items.map((d) => d.item.type)).toEqual(['single-choice', 'true-false']);
    expect(set.items[1]!.item).toMatchObject({ correct: true });
    expect(problems.map((p) => [p.code, p.row])).toEqual([['build.bad-answer', 14]]);
  });

  it('normalises full-width input', () => {
    expect(toHalfWidth('ＡＢ１２，')).toBe('AB12,');
    expect(parseNumber('１２')).toBe(12);
    expect(parseNumber('1/2')).toBe(0.5);
    expect(parseNumber('5 厘米', '厘米')).toBe(5);
    expect(parseNumber('五')).toBeNull();
  });
});
