import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { syncFileSystem } from './durability';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tp-durability-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('syncFileSystem (the long-lived sync -f helper)', () => {
  it.runIf(process.platform === 'linux')('answers each request in order, true where the flush worked and false where it could not', async () => {
    const missing = join(dir, 'no-such-folder');
    const answers = await Promise.all([syncFileSystem(dir), syncFileSystem(missing), syncFileSystem(dir), syncFileSystem(missing)]);
    expect(answers).toEqual([true, false, true, false]);
    // and again after the burst (the same helper, answers not shifted by the earlier ones)
    expect(await syncFileSystem(dir)).toBe(true);
    expect(await syncFileSystem(missing)).toBe(false);
  });
});
