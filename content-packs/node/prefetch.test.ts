import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPrefetch } from './prefetch';

describe('startPrefetch', () => {
  it('reads at most maxBytes from the front, stops when asked, and ignores a missing file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tp-prefetch-'));
    try {
      const f = join(dir, 'a.bin');
      writeFileSync(f, Buffer.alloc(3 * 1024 * 1024 + 5, 7));
      const capped = startPrefetch(f, { maxBytes: 2 * 1024 * 1024 + 1, chunkBytes: 64 * 1024 });
      await new Promise((r) => setTimeout(r, 200));
      expect(await capped.stop()).toBe(2 * 1024 * 1024 + 1);
      const whole = startPrefetch(f, { maxBytes: 1e12 });
      await new Promise((r) => setTimeout(r, 200));
      expect(await whole.stop()).toBe(3 * 1024 * 1024 + 5);
      const stoppedAtOnce = startPrefetch(f, { maxBytes: 1e12, chunkBytes: 4096 });
      expect(await stoppedAtOnce.stop()).toBeLessThan(3 * 1024 * 1024);
      expect(await startPrefetch(join(dir, 'missing'), { maxBytes: 10 }).stop()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
