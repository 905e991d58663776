/**
 * Names pasted by the teacher: one per line, or copied from an Excel column (cells separated by
 * tabs — the first column is taken). Trimmed (also full-width spaces), blanks skipped, duplicates
 * (within the paste and against names already in the class) skipped and reported, over-long names
 * reported. Pure, so the rules are tested without a browser.
 */
export const MAX_NAME_LENGTH = 64;

export interface PastedNames {
  /** Names to add, in pasted order. */
  names: string[];
  /** Names skipped because they were already in the class or earlier in the paste. */
  duplicates: string[];
  /** Lines skipped because the name is longer than MAX_NAME_LENGTH. */
  tooLong: string[];
  /** Blank lines (or blank first cells) skipped. */
  blank: number;
  /** A header row such as 姓名 / 名字 / Name was skipped. */
  headerSkipped: boolean;
}

const HEADER = /^(姓名|名字|学生姓名|学生|name|names|student|students)$/i;

export function parsePastedNames(text: string, existing: readonly string[] = []): PastedNames {
  const seen = new Set(existing.map(normalizeName));
  const out: PastedNames = { names: [], duplicates: [], tooLong: [], blank: 0, headerSkipped: false };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  // A trailing newline (Excel always adds one) is not a blank row.
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  lines.forEach((line, index) => {
    const cell = cleanName(line.split('\t')[0] ?? '');
    if (cell === '') {
      out.blank++;
      return;
    }
    if (index === 0 && HEADER.test(cell)) {
      out.headerSkipped = true;
      return;
    }
    if (cell.length > MAX_NAME_LENGTH) {
      out.tooLong.push(cell);
      return;
    }
    const key = normalizeName(cell);
    if (seen.has(key)) {
      out.duplicates.push(cell);
      return;
    }
    seen.add(key);
    out.names.push(cell);
  });
  return out;
}

/** Trim ASCII and full-width spaces, strip quotes Excel adds around a cell, collapse inner runs. */
export function cleanName(raw: string): string {
  let s = raw.replace(/[\u3000\u00a0]/g, ' ').trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) s = s.slice(1, -1).replace(/""/g, '"').trim();
  return s.replace(/\s+/g, ' ');
}

/** Comparison key: case- and width-insensitive, spaces ignored (“王 小明” = “王小明”). */
export function normalizeName(name: string): string {
  return cleanName(name).normalize('NFKC').replace(/\s+/g, '').toLowerCase();
}
