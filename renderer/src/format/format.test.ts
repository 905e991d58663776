import { describe, expect, it } from 'vitest';
import { durationKey, durationParts, formatBytes, fraction } from './format';

describe('formatBytes', () => {
  it('uses binary units with one decimal below 100 and none above', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(12.3 * 1024 ** 3)).toBe('12.3 GB');
    expect(formatBytes(250 * 1024 ** 3)).toBe('250 GB');
    expect(formatBytes(1024 ** 3)).toBe('1 GB');
    expect(formatBytes(1023.99 * 1024 ** 2)).toBe('1 GB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3 TB');
  });
  it('refuses nonsense', () => {
    expect(formatBytes(-1)).toBe('—');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

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
