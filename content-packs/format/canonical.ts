/**
 * Canonical JSON (RFC 8785 "JCS"-style) — one byte sequence per value, so signatures over
 * JSON are reproducible:
 * - object keys sorted by UTF-16 code units, no whitespace anywhere;
 * - strings escaped as ECMAScript JSON.stringify does (the JCS rule); lone surrogates rejected
 *   (I-JSON, RFC 7493);
 * - numbers in ECMAScript shortest round-trip form (`1`, `0.1`, `1e+21`), `-0` written `0`,
 *   NaN/±Infinity rejected;
 * - object properties whose value is `undefined` are omitted (as JSON.stringify does);
 *   `undefined` inside arrays, functions, symbols, bigints and non-plain objects
 *   (Date, Map, class instances, typed arrays) are rejected.
 */
import { TeachPointError } from '../../common/errors/errors';
import { utf8Encode } from './encoding';

export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, '$');
  return parts.join('');
}

export function canonicalBytes(value: unknown): Uint8Array {
  return utf8Encode(canonicalJson(value));
}

function fail(path: string, what: string, zhWhat: string): never {
  throw new TeachPointError(
    'pack.non-canonical-value',
    {
      zh: `无法生成规范 JSON：${path} 处是${zhWhat}。请只使用字符串、有限数字、布尔值、null、数组和普通对象。`,
      en: `Cannot produce canonical JSON: ${path} is ${what}. Use only strings, finite numbers, booleans, null, arrays and plain objects.`,
    },
    { path },
  );
}

function writeString(s: string, out: string[], path: string): void {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      fail(path, 'a string with a lone surrogate', '含有孤立代理项的字符串');
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      fail(path, 'a string with a lone surrogate', '含有孤立代理项的字符串');
    }
  }
  out.push(JSON.stringify(s));
}

function write(value: unknown, out: string[], path: string): void {
  switch (typeof value) {
    case 'string':
      writeString(value, out, path);
      return;
    case 'number':
      if (!Number.isFinite(value)) fail(path, `a non-finite number (${String(value)})`, `非有限数字（${String(value)}）`);
      out.push(Object.is(value, -0) ? '0' : String(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'object': {
      if (value === null) {
        out.push('null');
        return;
      }
      if (Array.isArray(value)) {
        out.push('[');
        for (let i = 0; i < value.length; i++) {
          if (i > 0) out.push(',');
          const item: unknown = value[i];
          if (item === undefined) fail(`${path}[${i}]`, 'undefined', 'undefined');
          write(item, out, `${path}[${i}]`);
        }
        out.push(']');
        return;
      }
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) fail(path, 'not a plain object', '非普通对象');
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj).filter((k) => obj[k] !== undefined);
      keys.sort(); // default sort = UTF-16 code unit order, as RFC 8785 §3.2.3 requires
      out.push('{');
      keys.forEach((k, i) => {
        if (i > 0) out.push(',');
        writeString(k, out, path);
        out.push(':');
        write(obj[k], out, `${path}.${k}`);
      });
      out.push('}');
      return;
    }
    default:
      fail(path, `a ${typeof value}`, `${typeof value} 类型`);
  }
}

/** True when `text` is exactly the canonical serialisation of its own parse. */
export function isCanonicalJsonText(text: string): boolean {
  try {
    return canonicalJson(JSON.parse(text)) === text;
  } catch {
    return false;
  }
}
