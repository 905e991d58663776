import { pinyin } from 'pinyin-pro';
import type { PackContent } from '../../../../common/bridge/methods/lessons';
import type { LessonNode, LocalizedTitle, ResourceKind } from '../../../../content-packs/format/manifest';

/**
 * Search over the installed packs (issue 7 item 8): by title (汉字), full pinyin (`jiafa`) and pinyin
 * initials (`jf`), and with the 学科/年级… in front (`sxjf` = 数学 + 加法). Every resource is one
 * document; its pinyin keys are computed ONCE when the index is built (pinyin-pro with word
 * segmentation, so 长方形 is chang-fang-xing, not zhang), never per query.
 *
 * A query is split on spaces; every token must match one document:
 *  - the token is part of the resource's title, or of its lesson's title (汉字, pinyin or initials), or
 *    of one of its context titles (学段/学科/版本/年级/册/单元);
 *  - or the token STARTS with a whole context title (汉字, pinyin or initials: `sx`, `shuxue`, `数学`,
 *    `ynj` = 一年级) and the rest matches the document (up to three such prefixes).
 */

export const CONTEXT_LEVELS = ['stage', 'subject', 'edition', 'grade', 'volume', 'unit'] as const;
export type ContextLevel = (typeof CONTEXT_LEVELS)[number];

/** The three comparable forms of one title. */
export interface TextKeys {
  /** lower-cased, no spaces: 汉字 and any latin as written */
  text: string;
  /** pinyin of every syllable, no tones, ü as v: `jiafa` */
  full: string;
  /** first letter of every syllable: `jf` */
  initials: string;
  /** the three joined by \u0001: one `includes` rejects a title that matches none of them */
  all: string;
}

export interface ContextValue {
  level: ContextLevel;
  title: LocalizedTitle;
  keys: TextKeys;
}

export interface SearchDoc {
  packId: string;
  packVersion: number;
  lessonId: string;
  resourceId: string;
  resourceKind: ResourceKind;
  title: LocalizedTitle;
  lessonTitle: LocalizedTitle;
  /** Context titles by level ('' when the pack has no such level). */
  stage: LocalizedTitle | null;
  subject: LocalizedTitle | null;
  grade: LocalizedTitle | null;
  /** 版本/册/单元 for the result line */
  trail: LocalizedTitle[];
  /** Tree order within its pack */
  order: number;
  keys: TextKeys;
  lessonKeys: TextKeys;
  /** Indexes into {@link SearchIndex.contexts} */
  contexts: number[];
}

export interface SearchIndex {
  docs: SearchDoc[];
  contexts: ContextValue[];
  /** `packId@version` of every pack in the index, sorted */
  packs: string[];
}

/** Pinyin keys of a title; `cache` shares work between equal strings (titles repeat a lot). */
export function textKeys(title: string, cache?: Map<string, TextKeys>): TextKeys {
  const hit = cache?.get(title);
  if (hit) return hit;
  const text = normalize(title);
  let full = '';
  let initials = '';
  if (/[\u3400-\u9fff]/.test(title)) {
    for (const part of pinyin(title, { toneType: 'none', type: 'all', v: true, nonZh: 'consecutive' })) {
      if (part.isZh) {
        full += part.pinyin;
        initials += part.pinyin.charAt(0);
      } else {
        // latin words and numbers stay whole in both forms (`Unit 3 加法` → `unit3jiafa`, `unit3jf`)
        const n = normalize(part.origin);
        full += n;
        initials += n;
      }
    }
  } else {
    full = text;
    initials = text;
  }
  const keys = { text, full, initials, all: `${text}\u0001${full}\u0001${initials}` };
  cache?.set(title, keys);
  return keys;
}

/** lower case, full-width → half-width, ü → v, no spaces or punctuation. */
export function normalize(s: string): string {
  return s
    .replace(/[\uff01-\uff5e]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .toLowerCase()
    .replace(/ü/g, 'v')
    .replace(/[\s\p{P}\p{S}]+/gu, '');
}

interface LessonAt {
  lesson: LessonNode;
  path: Array<{ level: ContextLevel; title: LocalizedTitle }>;
}

function lessonsOf(nodes: readonly LessonNode[], path: LessonAt['path'] = [], out: LessonAt[] = []): LessonAt[] {
  for (const n of nodes) {
    if (n.level === 'lesson') out.push({ lesson: n, path });
    else if (n.children) lessonsOf(n.children, [...path, { level: n.level as ContextLevel, title: n.title }], out);
  }
  return out;
}

/** One resource per document, in tree order. */
function* packDocs(content: PackContent, contexts: ContextIndex, cache: Map<string, TextKeys>): Generator<SearchDoc> {
  const resources = new Map(content.manifest.resources.map((r) => [r.id, r]));
  let order = 0;
  for (const { lesson, path } of lessonsOf(content.manifest.tree)) {
    const lessonKeys = textKeys(lesson.title['zh-CN'], cache);
    const at = (level: ContextLevel) => path.find((p) => p.level === level)?.title ?? null;
    const ctx = path.map((p) => contexts.intern(p.level, p.title, cache));
    const trail = path.filter((p) => p.level === 'edition' || p.level === 'volume' || p.level === 'unit').map((p) => p.title);
    for (const rid of lesson.resources ?? []) {
      const r = resources.get(rid);
      if (!r) continue;
      yield {
        packId: content.id,
        packVersion: content.version,
        lessonId: lesson.id,
        resourceId: r.id,
        resourceKind: r.kind,
        title: r.title,
        lessonTitle: lesson.title,
        stage: at('stage'),
        subject: at('subject'),
        grade: at('grade'),
        trail,
        order: order++,
        keys: textKeys(r.title['zh-CN'], cache),
        lessonKeys,
        contexts: ctx,
      };
    }
  }
}

class ContextIndex {
  readonly values: ContextValue[] = [];
  private readonly byKey = new Map<string, number>();
  intern(level: ContextLevel, title: LocalizedTitle, cache: Map<string, TextKeys>): number {
    const key = `${level}\u0000${title['zh-CN']}`;
    let i = this.byKey.get(key);
    if (i === undefined) {
      i = this.values.length;
      this.values.push({ level, title, keys: textKeys(title['zh-CN'], cache) });
      this.byKey.set(key, i);
    }
    return i;
  }
}

export interface BuildOptions {
  /** Shared across builds so a rebuild after one pack changes recomputes only new titles. */
  cache?: Map<string, TextKeys>;
  /**
   * Called every `chunk` documents; awaiting it lets the page breathe (the UI stays responsive while
   * 20,000 titles get their pinyin). Omit for a synchronous-speed build.
   */
  yieldEvery?: { chunk: number; pause: () => Promise<void> };
  signal?: AbortSignal;
}

export async function buildSearchIndex(contents: readonly PackContent[], options: BuildOptions = {}): Promise<SearchIndex> {
  const cache = options.cache ?? new Map<string, TextKeys>();
  const contexts = new ContextIndex();
  const docs: SearchDoc[] = [];
  const sorted = [...contents].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  let sinceYield = 0;
  for (const content of sorted) {
    for (const doc of packDocs(content, contexts, cache)) {
      docs.push(doc);
      if (options.yieldEvery && ++sinceYield >= options.yieldEvery.chunk) {
        sinceYield = 0;
        await options.yieldEvery.pause();
        if (options.signal?.aborted) throw new DOMException('aborted', 'AbortError');
      }
    }
  }
  return { docs, contexts: contexts.values, packs: sorted.map((c) => `${c.id}@${c.version}`) };
}

// ---------------------------------------------------------------------------------------------
// Query

/** Per-token facts about the context values, computed once per query (there are few of them). */
interface TokenPlan {
  token: string;
  /** context index → score when the token is inside that context title (0 = no) */
  inside: Map<number, number>;
  /** context index → the rests of the token after a whole-title prefix of that context */
  rests: Map<number, TokenPlan[]>;
}

const MAX_PREFIX_DEPTH = 3;

function planToken(token: string, contexts: readonly ContextValue[], depth = 0): TokenPlan {
  const inside = new Map<number, number>();
  const rests = new Map<number, TokenPlan[]>();
  contexts.forEach((c, i) => {
    const s = keyScore(c.keys, token);
    if (s > 0) inside.set(i, s);
    if (depth >= MAX_PREFIX_DEPTH) return;
    const seen = new Set<string>();
    for (const k of [c.keys.text, c.keys.full, c.keys.initials]) {
      if (k.length === 0 || k.length >= token.length || !token.startsWith(k) || seen.has(k)) continue;
      seen.add(k);
      let list = rests.get(i);
      if (!list) rests.set(i, (list = []));
      list.push(planToken(token.slice(k.length), contexts, depth + 1));
    }
  });
  return { token, inside, rests };
}

/** How well `token` matches one title: exact > start > inside; 汉字 > pinyin > initials. 0 = no match. */
function keyScore(keys: TextKeys, token: string): number {
  if (!keys.all.includes(token)) return 0;
  if (keys.text === token) return 100;
  if (keys.text.startsWith(token)) return 80;
  if (keys.text.includes(token)) return 60;
  if (keys.full === token || keys.initials === token) return 75;
  if (keys.full.startsWith(token) || keys.initials.startsWith(token)) return 65;
  if (keys.full.includes(token) || keys.initials.includes(token)) return 45;
  return 0;
}

/** A token as it applies to one lesson: itself, and what is left after that lesson's context prefixes. */
interface SubToken {
  token: string;
  /** 0.95 per context prefix taken off */
  factor: number;
  /** score of the lesson title for this sub-token (already weighted) */
  lesson: number;
  /** score of a context title containing the sub-token (already weighted) */
  inside: number;
}

/**
 * Everything about one token that depends only on the lesson (its title and contexts), computed once
 * per lesson: the resources of a lesson are adjacent in the index and share these objects.
 */
function subTokens(plan: TokenPlan, lessonKeys: TextKeys, contexts: readonly number[], factor = 1, out: SubToken[] = []): SubToken[] {
  let inside = 0;
  for (const c of contexts) inside = Math.max(inside, plan.inside.get(c) ?? 0);
  out.push({ token: plan.token, factor, lesson: keyScore(lessonKeys, plan.token) * 0.7, inside: inside * 0.2 });
  for (const c of contexts) {
    const rests = plan.rests.get(c);
    if (rests) for (const rest of rests) subTokens(rest, lessonKeys, contexts, factor * 0.95, out);
  }
  return out;
}

/** own title first, then the lesson title, then a context title — for the best reading of the token. */
function tokenScore(keys: TextKeys, subs: readonly SubToken[]): number {
  let best = 0;
  for (const sub of subs) {
    const own = keyScore(keys, sub.token);
    const s = (own > 0 ? own : sub.lesson > 0 ? sub.lesson : sub.inside) * sub.factor;
    if (s > best) best = s;
  }
  return best;
}

export interface SearchHit {
  doc: SearchDoc;
  score: number;
}

export interface LessonHit {
  packId: string;
  lessonId: string;
  lessonTitle: LocalizedTitle;
  trail: LocalizedTitle[];
  score: number;
  resources: SearchHit[];
}

export interface ResultGroup {
  /** `stage|subject|grade` (zh-CN titles) */
  key: string;
  stage: LocalizedTitle | null;
  subject: LocalizedTitle | null;
  grade: LocalizedTitle | null;
  lessons: LessonHit[];
}

export interface SearchResult {
  query: string;
  /** every matching resource */
  total: number;
  /** lessons shown (≤ limit), grouped by 学段/学科/年级, best group first */
  groups: ResultGroup[];
  /** matching lessons left out by the limit */
  moreLessons: number;
}

export function queryTokens(query: string): string[] {
  return query
    .split(/[\s,，、]+/)
    .map(normalize)
    .filter((t) => t.length > 0);
}

/** Search the index; at most `lessonLimit` lessons are returned (every matching resource is counted). */
export function search(index: SearchIndex, query: string, lessonLimit = 24): SearchResult {
  const tokens = queryTokens(query);
  if (tokens.length === 0) return { query, total: 0, groups: [], moreLessons: 0 };
  const plans = tokens.map((t) => planToken(t, index.contexts));
  const docs = index.docs;
  // Scores in one typed array and one small record per matching lesson: a query that matches all
  // 20,000 resources allocates 4,000 records, not 20,000 hit objects. Hits are materialised only
  // for the lessons shown.
  const scores = new Float64Array(docs.length);
  const matched: Array<{ first: number; last: number; score: number }> = [];
  let total = 0;
  let lessonContexts: readonly number[] | null = null;
  let subs: SubToken[][] = [];
  let current: { first: number; last: number; score: number } | null = null;
  for (let i = 0; i < docs.length; i++) {
    const doc = docs[i]!;
    if (doc.contexts !== lessonContexts) {
      // next lesson (its resources are adjacent and share the contexts array)
      lessonContexts = doc.contexts;
      subs = plans.map((plan) => subTokens(plan, doc.lessonKeys, doc.contexts));
      current = null;
    }
    let score = 0;
    for (const s of subs) {
      const t = tokenScore(doc.keys, s);
      if (t === 0) {
        score = 0;
        break;
      }
      score += t;
    }
    if (score === 0) continue;
    scores[i] = score;
    total++;
    if (!current) matched.push((current = { first: i, last: i, score }));
    current.last = i;
    if (score > current.score) current.score = score;
  }
  // lessons: best resource first, then pack + tree order (stable, predictable)
  matched.sort((a, b) => b.score - a.score || a.first - b.first);
  const shown = matched.slice(0, lessonLimit);
  const groups = new Map<string, ResultGroup>();
  for (const m of shown) {
    const resources: SearchHit[] = [];
    for (let i = m.first; i <= m.last; i++) if (scores[i]! > 0) resources.push({ doc: docs[i]!, score: scores[i]! });
    resources.sort((a, b) => b.score - a.score || a.doc.order - b.doc.order);
    const d = docs[m.first]!;
    const lesson: LessonHit = { packId: d.packId, lessonId: d.lessonId, lessonTitle: d.lessonTitle, trail: d.trail, score: m.score, resources };
    const key = [d.stage, d.subject, d.grade].map((t) => t?.['zh-CN'] ?? '').join('|');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, stage: d.stage, subject: d.subject, grade: d.grade, lessons: [] }));
    g.lessons.push(lesson);
  }
  return { query, total, groups: [...groups.values()], moreLessons: matched.length - shown.length };
}

