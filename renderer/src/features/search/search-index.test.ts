import { describe, expect, it } from 'vitest';
import type { PackContent } from '../../../../common/bridge/methods/lessons';
import { buildSearchIndex, normalize, search, textKeys, type SearchResult } from './search-index';

type Node = { id: string; level: string; title: { 'zh-CN': string; en?: string }; children?: Node[]; resources?: string[] };
const title = (zh: string) => ({ 'zh-CN': zh });

/** A pack: 小学 / <subject> / 人教版 / <grade> / 上册 / 第一单元 / lessons, each with a video and a practice. */
function pack(id: string, subject: string, grade: string, lessons: Array<[string, string[]]>): PackContent {
  const resources: Array<{ id: string; kind: string; title: { 'zh-CN': string } }> = [];
  const lessonNodes: Node[] = lessons.map(([lessonTitle, resTitles], i) => ({
    id: `l${i}`,
    level: 'lesson',
    title: title(lessonTitle),
    resources: resTitles.map((rt, j) => {
      const rid = `r${i}-${j}`;
      resources.push({ id: rid, kind: j === 0 ? 'video' : 'exercise-set', title: title(rt) });
      return rid;
    }),
  }));
  const chain = (levels: Array<[string, string]>, leaf: Node[]): Node[] => {
    if (levels.length === 0) return leaf;
    const [[level, t], ...rest] = levels as [[string, string], ...Array<[string, string]>];
    return [{ id: `${level}-${t}`, level, title: title(t), children: chain(rest, leaf) }];
  };
  const tree = chain(
    [
      ['stage', '小学'],
      ['subject', subject],
      ['edition', '人教版'],
      ['grade', grade],
      ['volume', '上册'],
      ['unit', '第一单元'],
    ],
    lessonNodes,
  );
  return { id, version: 1, manifest: { tree, resources, exercises: [] } } as unknown as PackContent;
}

const contents = [
  pack('math-g1', '数学', '一年级', [
    ['加法', ['加法 视频', '加法 练习']],
    ['减法', ['减法 视频', '减法 练习']],
    ['认识长方形', ['长方形 视频']],
  ]),
  pack('science-g3', '科学', '三年级', [['加法实验与重量', ['实验 视频']]]),
  pack('chinese-g2', '语文', '二年级', [['银行', ['银行 课文朗读']], ['Unit 3 绿色', ['Unit 3 课件']]]),
];

const lessonTitles = (r: SearchResult) => r.groups.flatMap((g) => g.lessons.map((l) => l.lessonTitle['zh-CN']));

describe('search keys', () => {
  it('full pinyin and initials per syllable, with word-aware readings for polyphones', () => {
    expect(textKeys('加法')).toMatchObject({ text: '加法', full: 'jiafa', initials: 'jf' });
    expect(textKeys('长方形').full).toBe('changfangxing');
    expect(textKeys('银行').full).toBe('yinhang');
    expect(textKeys('重量').full).toBe('zhongliang');
    expect(textKeys('绿色').full).toBe('lvse');
    expect(textKeys('Unit 3 绿色')).toMatchObject({ text: 'unit3绿色', full: 'unit3lvse', initials: 'unit3ls' });
  });

  it('normalises full-width, case, ü and punctuation', () => {
    expect(normalize('ＡＢ c·D ü')).toBe('abcdv');
  });
});

describe('search', () => {
  it('finds 加法 by 汉字, full pinyin, initials, and subject initials + initials (sxjf)', async () => {
    const index = await buildSearchIndex(contents);
    for (const q of ['加法', 'jiafa', 'jf', 'JF', 'jia fa']) expect(lessonTitles(search(index, q)), q).toContain('加法');
    // sxjf = 数学 + jf: 加法 and 减法 (jianfa) in 数学; the 科学 lesson 加法实验 does NOT match (kx)
    expect(lessonTitles(search(index, 'sxjf'))).toEqual(['加法', '减法']);
    expect(lessonTitles(search(index, 'kxjf'))).toEqual(['加法实验与重量']);
    expect(lessonTitles(search(index, 'shuxuejiafa'))).toEqual(['加法']);
    expect(lessonTitles(search(index, '数学加法'))).toEqual(['加法']);
    expect(lessonTitles(search(index, 'sxjiaf'))).toEqual(['加法']);
    expect(lessonTitles(search(index, 'ynjjf'))).toEqual(['加法', '减法']); // 一年级 + jf
    expect(lessonTitles(search(index, 'sx ynj jiafa'))).toEqual(['加法']);
  });

  it('reads polyphones as words: 长方形 is changfangxing, 银行 is yinhang', async () => {
    const index = await buildSearchIndex(contents);
    expect(lessonTitles(search(index, 'changfangxing'))).toEqual(['认识长方形']);
    expect(lessonTitles(search(index, 'cfx'))).toEqual(['认识长方形']);
    expect(lessonTitles(search(index, 'zhangfangxing'))).toEqual([]);
    expect(lessonTitles(search(index, 'yinhang'))).toEqual(['银行']);
    expect(lessonTitles(search(index, 'zhongliang'))).toEqual(['加法实验与重量']);
  });

  it('hits are resources under their lesson, best first, grouped by 学段/学科/年级', async () => {
    const index = await buildSearchIndex(contents);
    const r = search(index, 'jf');
    expect(r.total).toBe(5); // 加法 ×2, 减法 (jianfa) ×2, 实验 视频 (its lesson is 加法实验…)
    expect(r.groups.map((g) => [g.stage?.['zh-CN'], g.subject?.['zh-CN'], g.grade?.['zh-CN']])).toEqual([
      ['小学', '数学', '一年级'],
      ['小学', '科学', '三年级'],
    ]);
    const math = r.groups[0]!.lessons[0]!;
    expect(math.resources.map((h) => h.doc.resourceId)).toEqual(['r0-0', 'r0-1']);
    expect(math.trail.map((t) => t['zh-CN'])).toEqual(['人教版', '上册', '第一单元']);

    // a resource-title word picks single resources out of their lessons
    const practice = search(index, 'lianxi');
    expect(practice.groups.flatMap((g) => g.lessons.flatMap((l) => l.resources.map((h) => h.doc.title['zh-CN'])))).toEqual(['加法 练习', '减法 练习']);
  });

  it('every token must match; nonsense matches nothing; an empty query is empty', async () => {
    const index = await buildSearchIndex(contents);
    expect(search(index, 'jf xyzq').total).toBe(0);
    expect(search(index, 'qqqq').total).toBe(0);
    expect(search(index, '   ').groups).toEqual([]);
    expect(lessonTitles(search(index, 'unit3'))).toEqual(['Unit 3 绿色']);
  });

  it('limits the lessons shown and says how many more matched', async () => {
    const index = await buildSearchIndex(contents);
    const all = search(index, 'xiaoxue');
    expect(lessonTitles(all)).toHaveLength(6);
    const two = search(index, 'xiaoxue', 2);
    expect(lessonTitles(two)).toHaveLength(2);
    expect(two.moreLessons).toBe(4);
    expect(two.total).toBe(all.total);
  });

  it('can build in chunks, pausing between them, and reuses a key cache across rebuilds', async () => {
    let pauses = 0;
    const cache = new Map();
    const index = await buildSearchIndex(contents, { cache, yieldEvery: { chunk: 2, pause: async () => void pauses++ } });
    expect(index.docs).toHaveLength(8);
    expect(pauses).toBe(4);
    expect(index.packs).toEqual(['chinese-g2@1', 'math-g1@1', 'science-g3@1']);
    const size = cache.size;
    await buildSearchIndex(contents, { cache });
    expect(cache.size).toBe(size);
  });
});
