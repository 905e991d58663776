import { describe, expect, it } from 'vitest';
import { durationKey, durationParts, fraction } from './format';

describe('durations', () => {
  it('splits and rounds up', () => {
    expect(durationParts(200)).toEqual({ h: 0, m: 3, s: 20 });
    expect(durationParts(0.2)).toEqual({ h: 0, m: 0, s: 1 });
    expect(durationParts(3725)).toEqual({ h: 1, m: 2, s: 5 });
    expect(durationKey(durationParts(3725))).toBe('duration.hours');
    expect(durationKey(durationParts(61))).toBe('duration.minutes');
    expect(durationKey(durationParts(59))).toBe('duration.seconds');
  });
  it('fraction is clamped and safe for zero totals', () => {
    expect(fraction(5, 0)).toBe(0);
    expect(fraction(5, 10)).toBe(0.5);
    expect(fraction(15, 10)).toBe(1);
  });
});
