/**
 * Looking into JSON bytes without parsing them (browser-safe, no recursion): how deeply they nest,
 * and the raw bytes of one top-level member. Used to check a manifest's signature and certificate
 * before the manifest is parsed, to refuse deep nesting before a recursive checker sees it, and
 * for the stick scan, which needs three small fields of a manifest, not the whole object graph.
 *
 * These scanners assume nothing about validity: on malformed input they return `null` (or a depth
 * that is then refused); the real parser reports the error.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;

function isSpace(b: number): boolean {
  return b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;
}

/** Index just after the string starting at `i` (which is a quote), or -1 when it does not end. */
function skipString(bytes: Uint8Array, i: number): number {
  for (let j = i + 1; j < bytes.length; j++) {
    const b = bytes[j]!;
    if (b === BACKSLASH) j++;
    else if (b === QUOTE) return j + 1;
  }
  return -1;
}

/**
 * The deepest nesting of objects/arrays in `bytes`, counting stops as soon as `limit` is exceeded
 * (then `limit + 1` is returned). Strings are skipped, so brackets inside them do not count.
 */
export function jsonNestingDepth(bytes: Uint8Array, limit = Infinity): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === QUOTE) {
      const end = skipString(bytes, i);
      if (end < 0) return max;
      i = end - 1;
    } else if (b === OPEN_OBJ || b === OPEN_ARR) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (b === CLOSE_OBJ || b === CLOSE_ARR) depth--;
  }
  return max;
}

/** Index just after the JSON value starting at `i` (after whitespace), or -1. */
function skipValue(bytes: Uint8Array, i: number): number {
  while (i < bytes.length && isSpace(bytes[i]!)) i++;
  if (i >= bytes.length) return -1;
  const first = bytes[i]!;
  if (first === QUOTE) return skipString(bytes, i);
  if (first !== OPEN_OBJ && first !== OPEN_ARR) {
    // number, true, false, null: up to the next delimiter
    let j = i;
    while (j < bytes.length) {
      const b = bytes[j]!;
      if (b === COMMA || b === CLOSE_OBJ || b === CLOSE_ARR || isSpace(b)) break;
      j++;
    }
    return j;
  }
  let depth = 0;
  for (let j = i; j < bytes.length; j++) {
    const b = bytes[j]!;
    if (b === QUOTE) {
      const end = skipString(bytes, j);
      if (end < 0) return -1;
      j = end - 1;
    } else if (b === OPEN_OBJ || b === OPEN_ARR) depth++;
    else if (b === CLOSE_OBJ || b === CLOSE_ARR) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/**
 * The raw bytes of the top-level object's member `key` (e.g. `publisher` → `{"certificate":…}`),
 * or null when the bytes are not an object with that key (or are malformed). Keys are compared
 * after JSON-decoding, so escaped spellings match too. The slice shares `bytes`' buffer.
 */
export function topLevelMember(bytes: Uint8Array, key: string): Uint8Array | null {
  const decoder = new TextDecoder();
  let i = 0;
  while (i < bytes.length && isSpace(bytes[i]!)) i++;
  if (bytes[i] !== OPEN_OBJ) return null;
  i++;
  for (;;) {
    while (i < bytes.length && isSpace(bytes[i]!)) i++;
    if (bytes[i] !== QUOTE) return null;
    const keyEnd = skipString(bytes, i);
    if (keyEnd < 0) return null;
    let name: unknown;
    try {
      name = JSON.parse(decoder.decode(bytes.subarray(i, keyEnd)));
    } catch {
      return null;
    }
    i = keyEnd;
    while (i < bytes.length && isSpace(bytes[i]!)) i++;
    if (bytes[i] !== COLON) return null;
    i++;
    while (i < bytes.length && isSpace(bytes[i]!)) i++;
    const valueStart = i;
    const valueEnd = skipValue(bytes, i);
    if (valueEnd < 0) return null;
    if (name === key) return bytes.subarray(valueStart, valueEnd);
    i = valueEnd;
    while (i < bytes.length && isSpace(bytes[i]!)) i++;
    if (bytes[i] === COMMA) {
      i++;
      continue;
    }
    return null;
  }
}

/** `topLevelMember` parsed (small members only: the caller bounds the size), or undefined. */
export function parseTopLevelMember(bytes: Uint8Array, key: string, maxBytes: number): unknown {
  const raw = topLevelMember(bytes, key);
  if (!raw || raw.length > maxBytes || jsonNestingDepth(raw, 32) > 32) return undefined;
  try {
    return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) as unknown;
  } catch {
    return undefined;
  }
}
