import { describe, expect, it } from 'vitest';
import { loadPinyin, rubySegments } from './ruby';

describe('rubySegments (real pinyin-pro)', () => {
  it('annotates the question but never the quoted text it asks about', async () => {
    const pinyin = await loadPinyin();
    const segs = rubySegments(pinyin('“坪坝”的“坝”读音是？'));
    expect(segs).toEqual([{ text: '“坪坝”' }, { text: '的', ruby: 'de' }, { text: '“坝”' }, { text: '读', ruby: 'dú' }, { text: '音', ruby: 'yīn' }, { text: '是', ruby: 'shì' }, { text: '？' }]);
    expect(segs.some((s) => s.ruby === 'bà')).toBe(false);
  });
  it('leaves digits and punctuation bare and merges them', async () => {
    const pinyin = await loadPinyin();
    expect(rubySegments(pinyin('5 比 2 多几？'))).toEqual([{ text: '5 ' }, { text: '比', ruby: 'bǐ' }, { text: ' 2 ' }, { text: '多', ruby: 'duō' }, { text: '几', ruby: 'jǐ' }, { text: '？' }]);
  });
  it('an unclosed quote keeps the rest bare (safe side)', () => {
    expect(rubySegments([{ origin: '「', pinyin: '', isZh: false }, { origin: '坝', pinyin: 'bà', isZh: true }])).toEqual([{ text: '「坝' }]);
  });
});
