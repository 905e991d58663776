import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { COURSEWARE_GUARD_SCRIPT, COURSEWARE_GUARD_TAG_BYTES, createGuardInjector, guardInsertionPoint, isCoursewareHtml } from './courseware-guard';

const TAG = `<script>${COURSEWARE_GUARD_SCRIPT}</script>`;

async function inject(chunks: Buffer[]): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of Readable.from(chunks).pipe(createGuardInjector())) out.push(c as Buffer);
  return Buffer.concat(out);
}

describe('courseware WebRTC guard injection', () => {
  it('goes after the doctype (the page keeps standards mode), after a BOM and leading comments', () => {
    expect(guardInsertionPoint('<!DOCTYPE html><html>')).toBe(15);
    expect(guardInsertionPoint('\xEF\xBB\xBF<!doctype html>x')).toBe(18);
    expect(guardInsertionPoint('<!-- made by 希沃 --> \n<!doctype html>x')).toBe('<!-- made by 希沃 --> \n<!doctype html>'.length);
    expect(guardInsertionPoint('<html><body>')).toBe(0);
    expect(guardInsertionPoint('\xEF\xBB\xBF<html>')).toBe(3);
  });

  it('inserts the tag exactly once, whatever the chunking, and adds exactly COURSEWARE_GUARD_TAG_BYTES', async () => {
    const html = Buffer.from(`<!doctype html><meta charset="utf-8"><h1>认识数字</h1>${'<p>段落</p>'.repeat(2000)}`);
    const expected = Buffer.concat([html.subarray(0, 15), Buffer.from(TAG), html.subarray(15)]);
    for (const size of [1, 7, 4096, html.length]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < html.length; i += size) chunks.push(html.subarray(i, i + size));
      const out = await inject(chunks);
      expect(out.equals(expected), `chunk size ${size}`).toBe(true);
      expect(out.length).toBe(html.length + COURSEWARE_GUARD_TAG_BYTES);
    }
    expect((await inject([])).toString()).toBe(TAG);
  });

  it('applies to HTML documents only', () => {
    expect(isCoursewareHtml('text/html; charset=utf-8')).toBe(true);
    expect(isCoursewareHtml('application/xhtml+xml; charset=utf-8')).toBe(true);
    expect(isCoursewareHtml('text/javascript; charset=utf-8')).toBe(false);
    expect(isCoursewareHtml('image/svg+xml')).toBe(false);
  });

  it('is one classic script without a closing script tag inside it', () => {
    expect(COURSEWARE_GUARD_SCRIPT).not.toMatch(/<\/script/i);
    expect(() => new Function(COURSEWARE_GUARD_SCRIPT)).not.toThrow();
  });
});
