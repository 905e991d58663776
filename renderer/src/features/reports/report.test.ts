import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../../common/records/records';
import type { ExerciseSet } from '../../../../content-packs/format/manifest';
import { itemObjectId, setObjectId } from '../progress/mastery';
import { BOM, classReportCsv, minutes, parseCsv, toCsv, type ReportCsvLabels } from './csv';
import { answeredSetKeys, buildClassReport, hardestItems } from './report';

let clock = Date.parse('2026-11-30T08:00:00Z');
let seq = 0;
function ev(learnerId: string, verb: ProgressEvent['verb'], objectId: string, result?: ProgressEvent['result'], packId = 'p'): ProgressEvent {
  clock += 1000;
  return { id: `0190a000-0000-7000-8000-${(seq++).toString(16).padStart(12, '0')}`, learnerId, classId: 'c1', verb, objectId, packId, createdAt: new Date(clock).toISOString(), ...(result ? { result } : {}) };
}
const ans = (l: string, set: string, item: string, success: boolean, durationMs = 30_000) => ev(l, 'answered', itemObjectId('p', set, item), { success, score: success ? 1 : 0, durationMs });

const tf = (id: string, prompt: string) => ({ id, type: 'true-false' as const, prompt, correct: true, hints: [] });
const setA: ExerciseSet = { id: 'sa', title: { 'zh-CN': '比多少' }, mastery: { type: 'n-in-a-row', n: 3 }, items: [tf('i1', '题一'), tf('i2', '题二'), tf('i3', '题三'), tf('i4', '题四')] };
const setB: ExerciseSet = { id: 'sb', title: { 'zh-CN': '数一数, "新"' }, mastery: { type: 'm-of-n', m: 2, n: 2 }, items: [tf('j1', '甲'), tf('j2', '乙')] };
const learners = [
  { id: 'l1', name: '小明' },
  { id: 'l2', name: '=小红' },
  { id: 'l3', name: '小刚' },
];
const events: ProgressEvent[] = [
  // 小明 masters A: three first tries right in a row (one retry before that)
  ans('l1', 'sa', 'i1', false),
  ans('l1', 'sa', 'i1', true),
  ans('l1', 'sa', 'i2', true),
  ans('l1', 'sa', 'i3', true),
  ans('l1', 'sa', 'i4', true),
  ev('l1', 'completed', setObjectId('p', 'sa')),
  ev('l1', 'mastered', setObjectId('p', 'sa')),
  // 小红 tries A and B and masters neither
  ans('l2', 'sa', 'i1', false),
  ans('l2', 'sa', 'i2', true),
  ans('l2', 'sa', 'i3', false),
  ans('l2', 'sa', 'i4', true),
  ans('l2', 'sb', 'j1', true),
  ans('l2', 'sb', 'j2', false),
  // someone from another class: ignored
  ans('x9', 'sa', 'i1', false),
];

describe('buildClassReport', () => {
  const report = buildClassReport({ learners, sets: [{ packId: 'p', set: setA }, { packId: 'p', set: setB }], events });

  it('per learner: attempts, correct %, time, sets started/mastered', () => {
    const [ming, hong, gang] = report.learners;
    expect(ming).toMatchObject({ attempts: 5, correct: 4, correctPct: 80, timeMs: 150_000, setsStarted: 1, setsMastered: 1 });
    expect(ming!.cells.map((c) => c.status)).toEqual(['mastered', 'not-started']);
    expect(hong).toMatchObject({ attempts: 6, correct: 3, correctPct: 50, setsStarted: 2, setsMastered: 0 });
    expect(hong!.cells.map((c) => [c.status, c.attempts, c.correctPct])).toEqual([
      ['in-progress', 4, 50],
      ['in-progress', 2, 50],
    ]);
    expect(gang).toMatchObject({ attempts: 0, correctPct: null, setsStarted: 0, lastAt: null });
  });

  it('per set: mastered / in progress / not started, per item and hardest items', () => {
    const [a, b] = report.sets;
    expect(a!.mastered.map((l) => l.name)).toEqual(['小明']);
    expect(a!.inProgress.map((l) => l.name)).toEqual(['=小红']);
    expect(a!.notStarted.map((l) => l.name)).toEqual(['小刚']);
    expect(a).toMatchObject({ attempts: 9, correct: 6, correctPct: 67 });
    const i1 = a!.items.find((i) => i.itemId === 'i1')!;
    expect(i1).toMatchObject({ attempts: 3, correct: 1, firstTries: 2, firstTryCorrect: 0, firstTryPct: 0, learners: 2 });
    expect(a!.hardest.map((i) => i.itemId)).toEqual(['i1', 'i3', 'i2']);
    expect(b!.notStarted.map((l) => l.name)).toEqual(['小明', '小刚']);
    expect(report.totals).toMatchObject({ attempts: 11, correct: 7, learners: 3, notStartedAny: 1 });
  });

  it('hardestItems skips unanswered items', () => {
    expect(hardestItems(report.sets[1]!.items.map((i) => ({ ...i, firstTries: 0 })))).toEqual([]);
  });

  it('answeredSetKeys finds the sets a roster answered', () => {
    expect(answeredSetKeys(events, new Set(['l2']))).toEqual([
      { packId: 'p', setId: 'sa' },
      { packId: 'p', setId: 'sb' },
    ]);
  });

  it('CSV: BOM, CRLF, quoting, formula guard; parses back to the same numbers', () => {
    const labels: ReportCsvLabels = {
      header: { className: '班级', learner: '学生', set: '练习', status: '状态', attempts: '作答次数', correct: '答对次数', correctPct: '正确率(%)', minutes: '用时(分钟)', lastAt: '最近作答' },
      status: { mastered: '已掌握', 'in-progress': '进行中', 'not-started': '未开始' },
    };
    const csv = classReportCsv(report, { className: '一二年级复式班', labels, setTitle: (_p, s) => (s === 'sa' ? setA.title['zh-CN'] : setB.title['zh-CN']) });
    expect(csv.startsWith(BOM)).toBe(true);
    expect(csv.endsWith('\r\n')).toBe(true);
    expect(csv.replace(/\r\n/g, '').includes('\n')).toBe(false);
    expect(csv).toContain('"数一数, ""新"""');
    const rows = parseCsv(csv);
    expect(rows[0]).toEqual(['班级', '学生', '练习', '状态', '作答次数', '答对次数', '正确率(%)', '用时(分钟)', '最近作答']);
    expect(rows).toHaveLength(1 + 3 * 2);
    const row = (name: string, set: string) => rows.find((r) => r[1] === name && r[2] === set)!;
    expect(row('小明', '比多少').slice(3, 8)).toEqual(['已掌握', '5', '4', '80', '2.5']);
    expect(row("'=小红", '比多少').slice(3, 7)).toEqual(['进行中', '4', '2', '50']);
    expect(row('小刚', '数一数, "新"').slice(3, 8)).toEqual(['未开始', '0', '0', '', '0']);
    expect(row('小明', '比多少')[8]).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
  });

  it('toCsv / parseCsv round-trip awkward text', () => {
    const cells = [['a,b', 'say "hi"', 'two\r\nlines', '+1', 3.5, null, '普通']];
    expect(parseCsv(toCsv(cells))).toEqual([['a,b', 'say "hi"', 'two\r\nlines', "'+1", '3.5', '', '普通']]);
    expect(minutes(90_000)).toBe(1.5);
  });
});
