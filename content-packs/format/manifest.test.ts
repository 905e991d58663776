import { beforeAll, describe, expect, it } from 'vitest';
import { checkAnswer, normalizeTextAnswer } from './answers';
import { manifestBlobs, validateManifest, type ExerciseItem } from './manifest';
import { makeTestTrust, sampleManifest, type TestTrust } from './testing';
import { parseNumericAnswer } from './answers';

const h = (c: string) => c.repeat(64);
const blobs = {
  video: { sha256: h('a'), size: 1000, mime: 'video/mp4' },
  thumb: { sha256: h('b'), size: 10, mime: 'image/jpeg' },
  vtt: { sha256: h('c'), size: 20, mime: 'text/vtt' },
  audio: { sha256: h('d'), size: 30, mime: 'audio/mpeg' },
};

let trust: TestTrust;
beforeAll(async () => {
  trust = await makeTestTrust();
});

// Tests poke invalid values into a deep JSON structure on purpose.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Loose = any;
function fresh(): Loose {
  return structuredClone(sampleManifest(trust.cert, blobs)) as Loose;
}

function problemsOf(m: unknown) {
  const r = validateManifest(m);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

describe('validateManifest', () => {
  it('accepts the sample and applies defaults', () => {
    const r = validateManifest(fresh());
    if (!r.ok) throw new Error(JSON.stringify(r.problems, null, 1));
    const te = r.manifest.exercises[0]!.items.find((i) => i.type === 'text-entry');
    expect(te && te.type === 'text-entry' && te.normalize).toEqual({ ignoreWidth: true, ignoreCase: true, ignoreWhitespace: true });
    expect(r.manifest.exercises[0]!.items[0]!.hints).toEqual(['数一数']);
  });

  it('reports precise dotted paths for schema errors, all at once, bilingual', () => {
    const m = fresh();
    m.resources[0].blob.sha256 = 'ABC';
    m.version = 0;
    delete m.title['zh-CN'];
    m.exercises[0].items[2].correct = 'yes';
    m.extra = 1;
    const problems = problemsOf(m);
    const paths = problems.map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['resources[0].blob.sha256', 'version', "title.zh-CN", 'exercises[0].items[2].correct']));
    expect(problems.find((p) => p.path === undefined)?.message.en).toMatch(/extra/);
    for (const p of problems) {
      expect(p.code).toBe('pack.schema-error');
      expect(p.message.zh).toMatch(/[\u4e00-\u9fff]/);
      expect(p.message.en.length).toBeGreaterThan(10);
    }
    expect(problems.find((p) => p.path === 'resources[0].blob.sha256')!.message.zh).toContain('64 位小写十六进制');
  });

  it('rejects wrong format, unknown kinds and item types, bad language tags, bad mime per kind', () => {
    const m = fresh();
    m.format = 'teachpoint-pack/2';
    m.resources[1] = { ...m.resources[1], kind: 'flash' };
    m.exercises[0].items[0].type = 'essay';
    m.title['not a tag'] = 'x';
    m.resources[0].blob.mime = 'application/pdf';
    const paths = problemsOf(m).map((p) => p.path);
    expect(paths).toEqual(expect.arrayContaining(['format', 'exercises[0].items[0].type', 'title.not a tag', 'resources[0].blob.mime']));
    expect(paths.some((p) => p?.startsWith('resources[1]'))).toBe(true);
  });

  it('enforces lesson-tree shape: lessons are leaves with resources, depth only increases', () => {
    const m = fresh();
    const unit = m.tree[0].children[0].children[0].children[0].children[0];
    unit.children[0].children = [{ id: 'x', level: 'lesson', title: { 'zh-CN': 'x' }, resources: ['v1'] }];
    const p1 = problemsOf(m).map((p) => p.path);
    expect(p1).toContain('tree[0].children[0].children[0].children[0].children[0].children[0].children');

    const m2 = fresh();
    m2.tree[0].children[0].level = 'stage';
    const p2 = problemsOf(m2);
    expect(p2.map((p) => p.path)).toContain('tree[0].children[0].level');
  });

  it('checks cross references and unique ids', () => {
    const m = fresh();
    const lesson = m.tree[0].children[0].children[0].children[0].children[0].children[0];
    lesson.resources.push('nope');
    m.resources[1].exerciseSetId = 'missing-set';
    m.resources.push({ ...m.resources[0] });
    m.exercises[0].items[0].correct = 'zz';
    m.exercises[0].items[6].sequence = ['y', 'z'];
    m.exercises[0].items[1].id = 'q1';
    m.exercises[0].items[5].pairs[1].right = 'r9';
    m.publisher.keyId = '0000000000000000';
    const problems = problemsOf(m);
    const byPath = Object.fromEntries(problems.map((p) => [p.path, p.code]));
    expect(byPath).toMatchObject({
      'tree[0].children[0].children[0].children[0].children[0].children[0].resources[2]': 'pack.broken-reference',
      'resources[1].exerciseSetId': 'pack.broken-reference',
      'resources[2].id': 'pack.duplicate-id',
      'exercises[0].items[0].correct': 'pack.broken-reference',
      'exercises[0].items[6].sequence': 'pack.broken-reference',
      'exercises[0].items[1].id': 'pack.duplicate-id',
      'exercises[0].items[5].pairs[1].right': 'pack.broken-reference',
      'publisher.keyId': 'pack.key-mismatch',
    });
  });

  it('flags one blob referenced with two different sizes', () => {
    const m = fresh();
    m.exercises[0].items[0].audioPrompt = { ...blobs.video, size: 999, mime: 'audio/mp4' };
    expect(problemsOf(m).map((p) => p.path)).toContain('exercises[0].items[0].audioPrompt.size');
  });

  it('validates the embedded certificate structure', () => {
    const m = fresh();
    m.publisher.certificate.signature = 'abc';
    expect(problemsOf(m).map((p) => p.path)).toContain('publisher.certificate.signature');
  });
});

describe('manifestBlobs', () => {
  it('lists every blob once', () => {
    const m = fresh();
    m.exercises[0].items[1].image = blobs.thumb; // duplicate of the thumbnail
    const r = validateManifest(m);
    if (!r.ok) throw new Error('invalid');
    expect(manifestBlobs(r.manifest).map((b) => b.sha256).sort()).toEqual([h('a'), h('b'), h('c'), h('d')]);
  });
});

describe('answers', () => {
  it('normalises full-width, case and whitespace', () => {
    expect(normalizeTextAnswer('  ＡＢＣ　１２３ ')).toBe('abc123');
    expect(normalizeTextAnswer(' Good   Morning ', { ignoreWhitespace: false })).toBe('good morning');
    expect(normalizeTextAnswer('ＡＢ', { ignoreWidth: false, ignoreCase: false })).toBe('ＡＢ');
    expect(normalizeTextAnswer('北 京')).toBe('北京');
  });
  it('parses numeric answers leniently', () => {
    expect(parseNumericAnswer('３．５')).toBe(3.5);
    expect(parseNumericAnswer('−2')).toBe(-2);
    expect(parseNumericAnswer('1/4')).toBe(0.25);
    expect(parseNumericAnswer('1,000')).toBe(1000);
    expect(parseNumericAnswer('abc')).toBeNaN();
  });

  const items = async () => {
    const r = validateManifest(fresh());
    if (!r.ok) throw new Error('invalid');
    return Object.fromEntries(r.manifest.exercises[0]!.items.map((i) => [i.id, i])) as Record<string, ExerciseItem>;
  };

  it('checks every item type', async () => {
    const it_ = await items();
    expect(checkAnswer(it_.q1!, 'b').correct).toBe(true);
    expect(checkAnswer(it_.q1!, 'a').correct).toBe(false);
    expect(checkAnswer(it_.q2!, ['c', 'b'])).toEqual({ correct: true, score: 1 });
    expect(checkAnswer(it_.q2!, ['b'])).toEqual({ correct: false, score: 0.5 });
    expect(checkAnswer(it_.q2!, ['a', 'b', 'c']).correct).toBe(false);
    expect(checkAnswer(it_.q3!, true).correct).toBe(true);
    expect(checkAnswer(it_.q3!, 'true').correct).toBe(false);
    expect(checkAnswer(it_.q4!, ' ５ ').correct).toBe(true);
    expect(checkAnswer(it_.q4!, '').correct).toBe(false);
    expect(checkAnswer(it_.q5!, '５').correct).toBe(true);
    expect(checkAnswer(it_.q5!, 5.1).correct).toBe(false);
    expect(checkAnswer(it_.q6!, [{ left: 'l1', right: 'r1' }, { left: 'l2', right: 'r2' }]).correct).toBe(true);
    expect(checkAnswer(it_.q6!, { l1: 'r2', l2: 'r2' })).toEqual({ correct: false, score: 0.5 });
    expect(checkAnswer(it_.q7!, ['y', 'z', 'x']).correct).toBe(true);
    expect(checkAnswer(it_.q7!, ['y', 'x', 'z'])).toEqual({ correct: false, score: 1 / 3 });
    expect(checkAnswer(it_.q7!, 42).correct).toBe(false);
  });

  it('honours numeric tolerance', async () => {
    const item: ExerciseItem = { id: 'n', type: 'numeric', prompt: 'π≈?', answer: 3.14, tolerance: 0.01, hints: [] };
    expect(checkAnswer(item, 3.15).correct).toBe(true);
    expect(checkAnswer(item, '3.16').correct).toBe(false);
  });
});
