// The sample exercise sheets must not contradict themselves: a question that talks about a picture
// (图上 / 看图 / 图中) must have one (issue 7: "a question that says 图上 shows no picture").
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseExerciseCsv, parseExerciseYaml } from '../build/exercises';
import type { BuildProblem } from '../build/problems';

const packsDir = join(import.meta.dirname, 'packs');

function sheets(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sheets(p);
    return /\.(csv|exercises\.ya?ml)$/.test(name) ? [p] : [];
  });
}

describe('sample exercise sheets', () => {
  const files = sheets(packsDir);
  it('finds the sheets', () => {
    expect(files.length).toBeGreaterThanOrEqual(4);
  });
  for (const file of files) {
    it(`${relative(packsDir, file)}: every question about a picture has one`, () => {
      const problems: BuildProblem[] = [];
      const set = file.endsWith('.csv') ? parseExerciseCsv(new Uint8Array(readFileSync(file)), file, problems) : parseExerciseYaml(readFileSync(file, 'utf8'), file, problems);
      expect(problems).toEqual([]);
      for (const d of set.items) {
        if (/图上|看图|图中/.test(d.item.prompt)) expect(d.media.image, d.item.prompt).toBeTruthy();
      }
    });
  }
});
