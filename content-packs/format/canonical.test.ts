import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalJson, isCanonicalJsonText } from './canonical';

describe('canonicalJson', () => {
  it('sorts keys by UTF-16 code units and drops whitespace', () => {
    expect(canonicalJson({ b: 1, a: [true, null, 'x'], A: { d: 2, c: 1 } })).toBe('{"A":{"c":1,"d":2},"a":[true,null,"x"],"b":1}');
    // RFC 8785 §3.2.3 example ordering: "\u20ac" (€) after "\r", surrogate pairs sort by code unit
    expect(canonicalJson({ '\u20ac': 1, '\r': 2, '\ud83d\ude00': 3, '\ufb33': 4 })).toBe('{"\\r":2,"\u20ac":1,"\ud83d\ude00":3,"\ufb33":4}');
  });
  it('writes numbers in ECMAScript shortest form and -0 as 0', () => {
    expect(canonicalJson([1.0, 0.1, 1e21, 1e-7, -0, 333333333.3333333, 9007199254740991])).toBe('[1,0.1,1e+21,1e-7,0,333333333.3333333,9007199254740991]');
  });
  it('escapes strings like JSON.stringify and encodes UTF-8', () => {
    expect(canonicalJson('a"\\\n\u0001中')).toBe('"a\\"\\\\\\n\\u0001中"');
    expect([...canonicalBytes('中')]).toEqual([0x22, 0xe4, 0xb8, 0xad, 0x22]);
  });
  it('rejects non-finite numbers, lone surrogates and non-plain values', () => {
    expect(() => canonicalJson({ a: NaN })).toThrow(/\$\.a/);
    expect(() => canonicalJson([Infinity])).toThrow();
    expect(() => canonicalJson('\ud800x')).toThrow(/surrogate/);
    expect(() => canonicalJson({ d: new Date() })).toThrow(/plain object/);
    expect(() => canonicalJson([undefined])).toThrow();
    expect(() => canonicalJson(10n)).toThrow();
  });
  it('omits undefined properties', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });
  it('recognises canonical text', () => {
    expect(isCanonicalJsonText('{"a":1,"b":[2]}')).toBe(true);
    expect(isCanonicalJsonText('{"b":1,"a":2}')).toBe(false);
    expect(isCanonicalJsonText('{"a": 1}')).toBe(false);
    expect(isCanonicalJsonText('{"a":1.0}')).toBe(false);
  });
});
