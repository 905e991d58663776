import { describe, expect, it } from 'vitest';
import { ProgressEventSchema } from '../../../common/records/records';
import { checkEvent, fastEvent } from './event-check';

const base = {
  id: '01936f4e-8a2b-7c3d-9e4f-0123456789ab',
  learnerId: 'learner-1',
  classId: 'class-1',
  verb: 'answered',
  objectId: 'pack/set/item',
  packId: 'pack',
  createdAt: '2026-03-01T08:00:00.123Z',
  result: { success: true, score: 0.5, response: 'A', durationMs: 1200, position: 3.5 },
};

const FIELD_VALUES: Record<string, unknown[]> = {
  id: [base.id, undefined, null, 1, '', 'x', base.id.toUpperCase(), base.id.replace('-7', '-4'), base.id.replace('-9e4f', '-ce4f'), `${base.id} `],
  learnerId: ['a', '', 'x'.repeat(128), 'x'.repeat(129), null, undefined, 5],
  classId: ['c', null, undefined, '', 'x'.repeat(129), 7],
  verb: ['viewed', 'answered', 'completed', 'mastered', 'progressed', 'liked', '', undefined, null],
  objectId: ['o', '', 'x'.repeat(400), 'x'.repeat(401), undefined, null],
  packId: ['p', null, undefined, '', 'x'.repeat(129)],
  createdAt: [
    '2026-03-01T08:00:00Z', '2026-03-01T08:00:00.1+08:00', '2026-03-01T08:00:00+0800', '2026-03-01T08:00Z', '2026-03-01T08:00:00',
    '2026-02-29T08:00:00Z', '2024-02-29T08:00:00Z', '2026-13-01T08:00:00Z', '2026-04-31T08:00:00Z', '2026-03-01T24:00:00Z', '2026-03-01 08:00:00Z',
    '2026-03-01T08:00:60Z', 'yesterday', '', undefined, 1700000000000,
  ],
  result: [
    undefined, {}, { success: 'yes' }, { score: 1.5 }, { score: -0.1 }, { score: 1 }, { score: Number.NaN }, { response: 'x'.repeat(4001) },
    { durationMs: 1.5 }, { durationMs: -1 }, { durationMs: 86_400_001 }, { position: -1 }, { position: 0 }, { extra: 1, success: false }, null, [], 'r',
  ],
};

function variants(): unknown[] {
  const out: unknown[] = [base, { ...base, unknownField: 1 }, { ...base, result: undefined }, null, [], 'event', 42];
  for (const [field, values] of Object.entries(FIELD_VALUES)) {
    for (const v of values) {
      const e: Record<string, unknown> = { ...base };
      if (v === undefined) delete e[field];
      else e[field] = v;
      out.push(e);
    }
  }
  // Pairs of mutations, to catch interactions.
  const fields = Object.entries(FIELD_VALUES);
  for (let i = 0; i < fields.length; i++) {
    for (let j = i + 1; j < fields.length; j++) {
      const [fa, va] = fields[i]!;
      const [fb, vb] = fields[j]!;
      out.push({ ...base, [fa]: va[(i + j) % va.length], [fb]: vb[(i * j + 1) % vb.length] });
    }
  }
  return out;
}

describe('fast event check', () => {
  it('never accepts what the zod schema refuses, and returns exactly what zod returns', () => {
    let fastAccepted = 0;
    for (const item of variants()) {
      const fast = fastEvent(item);
      const zod = ProgressEventSchema.safeParse(item);
      if (fast) {
        fastAccepted++;
        expect(zod.success, JSON.stringify(item)).toBe(true);
        expect(fast).toEqual(zod.data);
      }
      const checked = checkEvent(item);
      expect(checked.ok, JSON.stringify(item)).toBe(zod.success);
    }
    // The fast path really is the common path for well-formed events.
    expect(fastAccepted).toBeGreaterThan(25);
  });

  it('takes the fast path for ordinary events and gives zod’s message otherwise', () => {
    expect(fastEvent(base)).toEqual(base);
    expect(fastEvent({ ...base, classId: undefined })).toEqual({ ...base, classId: null });
    const bad = checkEvent({ ...base, verb: 'liked' });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.issues[0]!.path).toEqual(['verb']);
  });
});
