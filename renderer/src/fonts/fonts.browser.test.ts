import { describe, expect, it } from 'vitest';
import '../styles.css';

/** Names of the woff2 files this page fetched (Vite serves them from node_modules/@fontsource). */
function fetchedFonts(): string[] {
  return performance
    .getEntriesByType('resource')
    .map((e) => e.name)
    .filter((n) => n.includes('.woff2'))
    .map((n) => decodeURIComponent(n).split('/').pop()!.split('?')[0]!);
}

describe('bundled fonts (a machine with no CJK or emoji system font)', () => {
  it('the app font stack starts with the bundled faces, which load from the bundle for Chinese text and emoji', async () => {
    const el = document.createElement('p');
    el.textContent = '数一数 认识图形 😀🐱';
    document.body.appendChild(el);
    const family = getComputedStyle(el).fontFamily;
    expect(family.split(',').slice(0, 2).map((f) => f.trim().replace(/["']/g, ''))).toEqual(['TeachPoint Emoji', 'TeachPoint Sans SC']);

    // The renamed families exist only as our @font-face rules: no system font can answer for them.
    const sc = await document.fonts.load('20px "TeachPoint Sans SC"', '数一数');
    expect(sc.length).toBeGreaterThan(0);
    expect(sc.every((f) => f.status === 'loaded' && f.family.replace(/["']/g, '') === 'TeachPoint Sans SC')).toBe(true);
    const bold = await document.fonts.load('bold 20px "TeachPoint Sans SC"', '认识');
    expect(bold.some((f) => f.weight === '700' && f.status === 'loaded')).toBe(true);
    const emoji = await document.fonts.load('20px "TeachPoint Emoji"', '😀');
    expect(emoji.length).toBeGreaterThan(0);
    expect(document.fonts.check('20px "TeachPoint Emoji"', '😀')).toBe(true);

    const files = fetchedFonts();
    expect(files.some((f) => /^noto-sans-sc-\d+-400-normal\.woff2$/.test(f))).toBe(true);
    expect(files.some((f) => /^noto-sans-sc-\d+-700-normal\.woff2$/.test(f))).toBe(true);
    expect(files.some((f) => /^noto-color-emoji-\d+-400-normal\.woff2$/.test(f))).toBe(true);
    el.remove();
  });

  it('digits and ASCII never come from the emoji face (it would draw keycap glyphs)', async () => {
    const faces = await document.fonts.load('20px "TeachPoint Emoji"', '0123456789#*');
    expect(faces).toEqual([]);
    // …while the Chinese face covers them.
    expect((await document.fonts.load('20px "TeachPoint Sans SC"', '0123456789')).length).toBeGreaterThan(0);
  });
});
