/**
 * RFC 4180 CSV, as Excel writes it: fields separated by commas (or semicolons/tabs when the
 * header says so), quoted fields may hold commas, newlines and doubled quotes (""), CRLF or LF
 * line ends, a final line end optional. Every cell knows its 1-based row and column, and syntax
 * problems are collected, not thrown, so a builder can report all of them at once.
 */

export interface CsvCell {
  value: string;
  /** 1-based line of the record's first character in the file. */
  row: number;
  /** 1-based column (field index) within the record. */
  column: number;
}

export interface CsvRecord {
  /** 1-based line where the record starts (records with embedded newlines span several lines). */
  row: number;
  cells: CsvCell[];
}

export interface CsvSyntaxProblem {
  row: number;
  column: number;
  kind: 'quote-in-unquoted-field' | 'text-after-closing-quote' | 'unterminated-quote';
}

export interface CsvParseResult {
  records: CsvRecord[];
  problems: CsvSyntaxProblem[];
  delimiter: string;
}

/** Guess the delimiter from the first line (outside quotes): the most frequent of , ; TAB. */
export function sniffDelimiter(text: string): string {
  const counts: Record<string, number> = { ',': 0, ';': 0, '\t': 0, '，': 0 };
  let inQuotes = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') inQuotes = !inQuotes;
    else if (!inQuotes && (ch === '\n' || ch === '\r')) break;
    else if (!inQuotes && ch in counts) counts[ch]!++;
  }
  let best = ',';
  for (const d of [',', ';', '\t']) if (counts[d]! > counts[best]!) best = d;
  return best;
}

export function parseCsv(input: string, options: { delimiter?: string } = {}): CsvParseResult {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  const records: CsvRecord[] = [];
  const problems: CsvSyntaxProblem[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;

  while (i < n) {
    const recordRow = line;
    const cells: CsvCell[] = [];
    let column = 1;
    let endOfRecord = false;
    while (!endOfRecord) {
      let value = '';
      if (text[i] === '"') {
        // quoted field
        const startLine = line;
        i++;
        let closed = false;
        while (i < n) {
          const ch = text[i]!;
          if (ch === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            closed = true;
            break;
          }
          if (ch === '\r') {
            // CRLF or lone CR inside quotes → \n
            value += '\n';
            i += text[i + 1] === '\n' ? 2 : 1;
            line++;
            continue;
          }
          if (ch === '\n') line++;
          value += ch;
          i++;
        }
        if (!closed) {
          problems.push({ row: startLine, column, kind: 'unterminated-quote' });
        } else if (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
          problems.push({ row: line, column, kind: 'text-after-closing-quote' });
          // keep the stray text so nothing is silently lost
          while (i < n && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') value += text[i++];
        }
      } else {
        let sawQuote = false;
        while (i < n) {
          const ch = text[i]!;
          if (ch === delimiter || ch === '\n' || ch === '\r') break;
          if (ch === '"') sawQuote = true;
          value += ch;
          i++;
        }
        if (sawQuote) problems.push({ row: line, column, kind: 'quote-in-unquoted-field' });
      }
      cells.push({ value, row: recordRow, column });
      column++;
      if (i >= n) {
        endOfRecord = true;
      } else if (text[i] === delimiter) {
        i++;
        if (i >= n) {
          // trailing delimiter at EOF: one more empty field
          cells.push({ value: '', row: recordRow, column });
          endOfRecord = true;
        }
      } else {
        // newline
        i += text[i] === '\r' && text[i + 1] === '\n' ? 2 : 1;
        line++;
        endOfRecord = true;
      }
    }
    records.push({ row: recordRow, cells });
  }
  return { records, problems, delimiter };
}

/** Is the record only empty cells (Excel writes ",,,," for blank rows)? */
export function isBlankRecord(record: CsvRecord): boolean {
  return record.cells.every((c) => c.value.trim() === '');
}
