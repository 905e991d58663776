import { describe, expect, it } from 'vitest';
import { cleanName, parsePastedNames } from './paste';

describe('parsePastedNames', () => {
  it('one name per line: trims, skips blanks and the trailing newline', () => {
    const r = parsePastedNames('王小明\n  李红 \n\n\u3000张伟\u3000\n');
    expect(r).toEqual({ names: ['王小明', '李红', '张伟'], duplicates: [], tooLong: [], blank: 1, headerSkipped: false });
  });

  it('an Excel column paste (CRLF, tabs): takes the first column and skips a header row', () => {
    const r = parsePastedNames('姓名\t性别\t年龄\r\n王小明\t男\t7\r\n"李 红"\t女\t6\r\n\t男\t8\r\n');
    expect(r.names).toEqual(['王小明', '李 红']);
    expect(r.headerSkipped).toBe(true);
    expect(r.blank).toBe(1);
  });

  it('skips duplicates within the paste and against the class, and reports them', () => {
    const r = parsePastedNames('王小明\n王 小明\nＡｎｎａ\nanna\n李红\n张伟', ['李红']);
    expect(r.names).toEqual(['王小明', 'Ａｎｎａ', '张伟']);
    expect(r.duplicates).toEqual(['王 小明', 'anna', '李红']);
  });

  it('reports names longer than 64 characters instead of cutting them', () => {
    const long = '长'.repeat(65);
    const r = parsePastedNames(`${long}\n小明`);
    expect(r.names).toEqual(['小明']);
    expect(r.tooLong).toEqual([long]);
  });

  it('a name that looks like a header is kept when it is not the first line', () => {
    expect(parsePastedNames('小明\n学生').names).toEqual(['小明', '学生']);
  });

  it('cleanName collapses inner spaces and unquotes', () => {
    expect(cleanName('  "王  小明"  ')).toBe('王 小明');
  });
});
