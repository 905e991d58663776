/**
 * Byte/text helpers that work the same in Chrome 108 and Node 16 (no Buffer, no atob on Node 16).
 * Base64 here is the standard alphabet with padding (RFC 4648 §4); decoding is strict so that a
 * key or signature has exactly one textual form.
 */

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B64_LOOKUP = (() => {
  const t = new Int16Array(128).fill(-1);
  for (let i = 0; i < B64.length; i++) t[B64.charCodeAt(i)] = i;
  return t;
})();

export function toBase64(bytes: Uint8Array): string {
  let out = '';
  const n = bytes.length;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i]! << 16) | (bytes[i + 1]! << 8) | bytes[i + 2]!;
    out += B64[(v >> 18) & 63]! + B64[(v >> 12) & 63]! + B64[(v >> 6) & 63]! + B64[v & 63]!;
  }
  if (i < n) {
    const rest = n - i;
    const v = (bytes[i]! << 16) | (rest === 2 ? bytes[i + 1]! << 8 : 0);
    out += B64[(v >> 18) & 63]! + B64[(v >> 12) & 63]!;
    out += rest === 2 ? B64[(v >> 6) & 63]! + '=' : '==';
  }
  return out;
}

/** Strict base64 decode; returns undefined for anything that is not canonical padded base64. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (text.length % 4 !== 0) return undefined;
  const pad = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const outLen = (text.length / 4) * 3 - pad;
  const out = new Uint8Array(outLen);
  let o = 0;
  for (let i = 0; i < text.length; i += 4) {
    const vals = [0, 0, 0, 0];
    for (let j = 0; j < 4; j++) {
      const c = text.charCodeAt(i + j);
      const isPad = c === 61 /* = */ && i + 4 === text.length && j >= 4 - pad;
      if (isPad) continue;
      const v = c < 128 ? B64_LOOKUP[c]! : -1;
      if (v < 0) return undefined;
      vals[j] = v;
    }
    const v = (vals[0]! << 18) | (vals[1]! << 12) | (vals[2]! << 6) | vals[3]!;
    if (o < outLen) out[o++] = (v >> 16) & 255;
    if (o < outLen) out[o++] = (v >> 8) & 255;
    if (o < outLen) out[o++] = v & 255;
  }
  // Canonical form: re-encoding must give the same text (rejects non-zero padding bits).
  return toBase64(out) === text ? out : undefined;
}

const HEX = '0123456789abcdef';

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]! >> 4]! + HEX[bytes[i]! & 15]!;
  return out;
}

export function fromHex(text: string): Uint8Array | undefined {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) return undefined;
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

const encoder = new TextEncoder();

export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Strict UTF-8 decode: undefined when the bytes are not valid UTF-8. Leading BOM is kept as U+FEFF. */
let strictDecoder: { decode(bytes: Uint8Array): string } | undefined; // constructing one is costly (ICU converter): reuse it
export function utf8DecodeStrict(bytes: Uint8Array): string | undefined {
  // ASCII fast path: every entry name in a pack is ASCII
  let ascii = bytes.length <= 256;
  for (let i = 0; ascii && i < bytes.length; i++) if (bytes[i]! >= 0x80) ascii = false;
  if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  strictDecoder ??= new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
