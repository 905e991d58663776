/**
 * CSV that Excel on Chinese Windows opens correctly: UTF-8 WITH a byte-order mark (without it Excel
 * reads the bytes as GBK and every name becomes mojibake), CRLF line ends, every field quoted when it
 * holds a comma, quote, CR or LF (RFC 4180: quotes doubled). A text field that starts with = + - @
 * (or a tab/CR) would be run as a formula by Excel: it gets a leading apostrophe (OWASP CSV injection);
 * numbers are written as plain numbers.
 */
import type { ClassReport, LearnerSetCell, SetStatus } from './report';

export const BOM = '\uFEFF';

export type CsvCell = string | number | null;

function cellText(v: CsvCell): string {
  if (v === null) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  const guarded = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

/** Rows → CSV text with BOM and CRLF (also after the last row). */
export function toCsv(rows: readonly (readonly CsvCell[])[]): string {
  return BOM + rows.map((r) => r.map(cellText).join(',')).join('\r\n') + '\r\n';
}

/** RFC 4180 parser (BOM dropped, CRLF or LF) — the reading side, used by tests and nothing else yet. */
export function parseCsv(text: string): string[][] {
  const s = text.startsWith(BOM) ? text.slice(1) : text;
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export interface ReportCsvLabels {
  header: { className: string; learner: string; set: string; status: string; attempts: string; correct: string; correctPct: string; minutes: string; lastAt: string };
  status: Record<SetStatus, string>;
}

/** Minutes with one decimal, from milliseconds. */
export function minutes(ms: number): number {
  return Math.round(ms / 6000) / 10;
}

/** `YYYY-MM-DD HH:mm` in the device's local time (what the teacher's clock says), or ''. */
export function localTime(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * One row per learner × set (learners who have not started included), in roster order then set order.
 * `setTitle` gives the set's title in the teacher's language.
 */
export function classReportCsv(report: ClassReport, opts: { className: string; labels: ReportCsvLabels; setTitle: (packId: string, setId: string) => string }): string {
  const h = opts.labels.header;
  const rows: CsvCell[][] = [[h.className, h.learner, h.set, h.status, h.attempts, h.correct, h.correctPct, h.minutes, h.lastAt]];
  for (const l of report.learners) {
    l.cells.forEach((c: LearnerSetCell) => {
      rows.push([opts.className, l.learner.name, opts.setTitle(c.packId, c.setId), opts.labels.status[c.status], c.attempts, c.correct, c.correctPct, minutes(c.timeMs), localTime(c.lastAt)]);
    });
  }
  return toCsv(rows);
}
