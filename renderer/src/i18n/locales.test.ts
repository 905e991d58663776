import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zhCN } from './zh-CN';

function keys(obj: Record<string, unknown>, prefix = ''): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as Record<string, unknown>, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function placeholders(s: string): string[] {
  return [...s.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!).sort();
}

function get(obj: Record<string, unknown>, path: string): unknown {
  return path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], obj);
}

describe('translations', () => {
  const zhKeys = keys(zhCN).sort();
  const enKeys = keys(en as unknown as Record<string, unknown>).sort();

  it('zh-CN and en have exactly the same keys', () => {
    expect(enKeys).toEqual(zhKeys);
    expect(zhKeys.length).toBeGreaterThan(50);
  });

  it('every string is non-empty and uses the same {{placeholders}} in both languages', () => {
    for (const key of zhKeys) {
      const zh = get(zhCN, key) as string;
      const e = get(en as unknown as Record<string, unknown>, key) as string;
      expect(zh.trim(), key).not.toBe('');
      expect(e.trim(), key).not.toBe('');
      expect(placeholders(e), key).toEqual(placeholders(zh));
    }
  });

  it('the English table is English (no CJK outside the language names)', () => {
    for (const key of enKeys) {
      if (key === 'language.zh') continue;
      expect(get(en as unknown as Record<string, unknown>, key) as string, key).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });
});
