import { describe, expect, it } from 'vitest';
import { formatBytes } from './bytes';

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
