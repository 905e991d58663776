/**
 * Pinyin over a question's characters (<ruby>), for children who read few characters yet. Only the
 * QUESTION is annotated, and never the part it asks about: text inside quotation marks (“坝”,
 * 「数」, "…", ‘…’) is what a question like “坝”读音是？ or “数”字怎么读？ tests, so it stays bare.
 * The sheet's 拼音 column is not shown at all (in the samples it is the answer's reading).
 *
 * pinyin-pro (~320 KB of dictionary) is loaded on first use, so it costs nothing until a teacher
 * turns pinyin on.
 */

export interface RubySegment {
  text: string;
  /** Pinyin of `text` (one Han character), absent for plain text. */
  ruby?: string;
}

/** What `pinyin(text, { type: 'all' })` gives per character (the fields we use). */
export interface PinyinChar {
  origin: string;
  pinyin: string;
  isZh: boolean;
}

const OPEN_TO_CLOSE: Record<string, string> = { '“': '”', '「': '」', '『': '』', '‘': '’', '"': '"', '《': '》' };

/** Segments of `text` with pinyin on Han characters outside quotes; consecutive plain characters are merged. */
export function rubySegments(chars: readonly PinyinChar[]): RubySegment[] {
  const out: RubySegment[] = [];
  let closing: string | null = null;
  const plain = (s: string) => {
    const last = out[out.length - 1];
    if (last && last.ruby === undefined) last.text += s;
    else out.push({ text: s });
  };
  for (const c of chars) {
    if (closing !== null) {
      if (c.origin === closing) closing = null;
      plain(c.origin);
    } else if (OPEN_TO_CLOSE[c.origin] !== undefined) {
      closing = OPEN_TO_CLOSE[c.origin]!;
      plain(c.origin);
    } else if (c.isZh && c.pinyin) out.push({ text: c.origin, ruby: c.pinyin });
    else plain(c.origin);
  }
  return out;
}

let loader: Promise<(text: string) => PinyinChar[]> | null = null;

/** pinyin-pro, loaded once. */
export function loadPinyin(): Promise<(text: string) => PinyinChar[]> {
  loader ??= import('pinyin-pro').then((m) => (text: string) => m.pinyin(text, { type: 'all' }) as PinyinChar[]);
  return loader;
}
