/**
 * Answer normalisation and checking — pure functions shared by the renderer (instant feedback)
 * and anything that re-scores events. Schemas, types and the normalisation defaults come from
 * manifest.ts, which does not import this file (one direction, no cycle).
 */
import { DEFAULT_TEXT_NORMALIZE, type ExerciseItem, type TextEntryNormalize } from './manifest';

export { DEFAULT_TEXT_NORMALIZE };

/**
 * - always: Unicode NFC;
 * - ignoreWidth: full-width ASCII forms U+FF01–U+FF5E → U+0021–U+007E, ideographic space U+3000 → space
 *   (全角“ＡＢＣ１２３”equals 半角“ABC123”);
 * - ignoreCase: lower-case (locale independent);
 * - ignoreWhitespace: remove all whitespace; otherwise trim and collapse runs to one space.
 */
export function normalizeTextAnswer(text: string, options: Partial<TextEntryNormalize> = {}): string {
  const o = { ...DEFAULT_TEXT_NORMALIZE, ...options };
  let s = text.normalize('NFC');
  if (o.ignoreWidth) {
    s = s.replace(/[\uFF01-\uFF5E\u3000]/g, (ch) => (ch === '\u3000' ? ' ' : String.fromCharCode(ch.charCodeAt(0) - 0xfee0)));
  }
  if (o.ignoreCase) s = s.toLowerCase();
  s = o.ignoreWhitespace ? s.replace(/\s+/gu, '') : s.trim().replace(/\s+/gu, ' ');
  return s;
}

export interface MatchPair {
  left: string;
  right: string;
}

export interface AnswerResult {
  /** Fully right. */
  correct: boolean;
  /** 0..1 partial credit (1 when correct). */
  score: number;
}

const WRONG: AnswerResult = { correct: false, score: 0 };
const RIGHT: AnswerResult = { correct: true, score: 1 };

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Parses "3.5", "３．５", "−2", "1/2", "1,000" (after width normalisation); NaN when not a number. */
export function parseNumericAnswer(input: string | number): number {
  if (typeof input === 'number') return input;
  const s = normalizeTextAnswer(input, { ignoreWidth: true, ignoreCase: true, ignoreWhitespace: true })
    .replace(/[\u2212\u2012\u2013]/g, '-')
    .replace(/。|．/g, '.')
    .replace(/(\d),(?=\d{3}(?:\D|$))/g, '$1');
  const frac = /^(-?\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(s);
  if (frac) {
    const d = Number(frac[2]);
    return d === 0 ? NaN : Number(frac[1]) / d;
  }
  if (!/^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/.test(s)) return NaN;
  return Number(s);
}

/**
 * Response shapes: single-choice → choice id; multiple-choice → choice ids; true-false → boolean;
 * text-entry → string; numeric → number or string; match → {left,right}[] (or {left: right} record);
 * order → choice ids in order. A response of the wrong shape scores 0.
 */
export function checkAnswer(item: ExerciseItem, response: unknown): AnswerResult {
  switch (item.type) {
    case 'single-choice':
      return response === item.correct ? RIGHT : WRONG;
    case 'true-false':
      return response === item.correct ? RIGHT : WRONG;
    case 'multiple-choice': {
      if (!isStringArray(response)) return WRONG;
      const picked = new Set(response);
      const correct = new Set(item.correct);
      let hits = 0;
      let wrong = 0;
      for (const p of picked) {
        if (correct.has(p)) hits++;
        else wrong++;
      }
      const score = Math.max(0, (hits - wrong) / correct.size);
      return hits === correct.size && wrong === 0 ? RIGHT : { correct: false, score };
    }
    case 'text-entry': {
      if (typeof response !== 'string') return WRONG;
      const given = normalizeTextAnswer(response, item.normalize);
      if (given === '') return WRONG;
      return item.accepted.some((a) => normalizeTextAnswer(a, item.normalize) === given) ? RIGHT : WRONG;
    }
    case 'numeric': {
      if (typeof response !== 'number' && typeof response !== 'string') return WRONG;
      const n = parseNumericAnswer(response);
      if (!Number.isFinite(n)) return WRONG;
      const slack = item.tolerance + 1e-9 * Math.max(1, Math.abs(item.answer));
      return Math.abs(n - item.answer) <= slack ? RIGHT : WRONG;
    }
    case 'match': {
      let pairs: MatchPair[];
      if (Array.isArray(response)) {
        if (!response.every((p) => p && typeof p === 'object' && typeof (p as MatchPair).left === 'string' && typeof (p as MatchPair).right === 'string')) return WRONG;
        pairs = response as MatchPair[];
      } else if (response && typeof response === 'object') {
        const entries = Object.entries(response as Record<string, unknown>);
        if (!entries.every(([, v]) => typeof v === 'string')) return WRONG;
        pairs = entries.map(([left, right]) => ({ left, right: right as string }));
      } else return WRONG;
      // Each left item counts once (its first pairing), so pairing one left with every right cannot score.
      const expected = new Map(item.pairs.map((p) => [p.left, p.right]));
      const given = new Map<string, string>();
      let extra = 0;
      for (const p of pairs) {
        if (given.has(p.left) || !expected.has(p.left)) extra++;
        else given.set(p.left, p.right);
      }
      let hits = 0;
      for (const [left, right] of given) if (expected.get(left) === right) hits++;
      return hits === expected.size && extra === 0 ? RIGHT : { correct: false, score: hits / expected.size };
    }
    case 'order': {
      if (!isStringArray(response)) return WRONG;
      let inPlace = 0;
      item.sequence.forEach((id, i) => {
        if (response[i] === id) inPlace++;
      });
      const exact = response.length === item.sequence.length && inPlace === item.sequence.length;
      return exact ? RIGHT : { correct: false, score: inPlace / item.sequence.length };
    }
  }
}
