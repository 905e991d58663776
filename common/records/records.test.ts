import { describe, expect, it } from 'vitest';
import { uuidv7 } from '../ids/uuidv7';
import { ClassRecordSchema, incomingWins, LearnerRecordSchema, ProgressEventSchema } from './records';

const now = '2026-11-30T08:00:00.000Z';
const base = { createdAt: now, updatedAt: now, updatedBy: 'dev-a', origin: 'device' as const };

describe('records', () => {
  it('accepts a learner and fills defaults; refuses an unknown avatar and an empty name', () => {
    const l = LearnerRecordSchema.parse({ ...base, id: uuidv7(), classId: null, name: ' 小明 ', avatar: 'panda' });
    expect(l).toMatchObject({ name: '小明', archived: false, deleted: false, picturePassword: null });
    expect(LearnerRecordSchema.safeParse({ ...l, avatar: 'dragon' }).success).toBe(false);
    expect(LearnerRecordSchema.safeParse({ ...l, name: '  ' }).success).toBe(false);
    expect(LearnerRecordSchema.safeParse({ ...l, picturePassword: ['cat'] }).success).toBe(false);
  });

  it('accepts a class with defaults', () => {
    expect(ClassRecordSchema.parse({ ...base, id: 'c1', name: '一二年级复式班' })).toMatchObject({ picturePassword: false, archived: false, grade: '' });
  });

  it('events need a UUIDv7 id and a known verb', () => {
    const e = { id: uuidv7(), learnerId: 'l1', verb: 'answered', objectId: 'p/s/i', packId: 'p', createdAt: now, result: { success: true, score: 1 } };
    expect(ProgressEventSchema.parse(e).classId).toBeNull();
    expect(ProgressEventSchema.safeParse({ ...e, id: 'not-v7' }).success).toBe(false);
    expect(ProgressEventSchema.safeParse({ ...e, verb: 'liked' }).success).toBe(false);
  });

  it('last writer wins on updatedAt, ties broken by updatedBy, the same from either side', () => {
    const older = { updatedAt: '2026-11-30T08:00:00.000Z', updatedBy: 'dev-b' };
    const newer = { updatedAt: '2026-11-30T08:00:01.000Z', updatedBy: 'dev-a' };
    expect(incomingWins(undefined, older)).toBe(true);
    expect(incomingWins(older, newer)).toBe(true);
    expect(incomingWins(newer, older)).toBe(false);
    const tieA = { updatedAt: now, updatedBy: 'dev-a' };
    const tieB = { updatedAt: now, updatedBy: 'dev-b' };
    expect(incomingWins(tieA, tieB)).toBe(true);
    expect(incomingWins(tieB, tieA)).toBe(false);
  });
});
