import { describe, expect, it } from 'vitest';
import { onCI, prerequisite } from './prerequisites';

describe('missing test prerequisites', () => {
  it('skip with a reason off CI, fail on CI', () => {
    expect(prerequisite(true, 'sample packs', 'run npm run samples', { CI: 'true' })).toBeNull();
    expect(prerequisite(false, 'sample packs', 'run npm run samples', {})).toBe('sample packs missing — run npm run samples');
    expect(() => prerequisite(false, 'sample packs', 'run npm run samples', { CI: 'true' })).toThrow(/CI: sample packs missing — run npm run samples/);
    expect(() => prerequisite(false, 'Node 16', 'x', { CI: '1' })).toThrow();
  });

  it('reads CI like CI services set it', () => {
    expect([undefined, '', 'false', '0'].map((v) => onCI(v === undefined ? {} : { CI: v }))).toEqual([false, false, false, false]);
    expect(['true', '1', 'yes'].map((v) => onCI({ CI: v }))).toEqual([true, true, true]);
  });
});
