/**
 * UUIDv7 (RFC 9562 §5.7): 48-bit Unix-ms timestamp, version 7, 12-bit `rand_a`, variant 10,
 * 62-bit `rand_b`. Ids made on one device sort in creation order, which the append-only event
 * log and the outbox rely on (DESIGN §5.1), and they are unique without any server.
 *
 * Monotonic within one generator (RFC 9562 §6.2 method 1, "fixed-length dedicated counter"):
 * `rand_a` is a 12-bit counter seeded randomly (top bit clear, so there is headroom) every new
 * millisecond and incremented for ids made within the same millisecond. If the counter runs out
 * or the clock goes backwards, the generator keeps using (last ms), or (last ms + 1), so ids never
 * go backwards.
 *
 * Pure: clock and random source are injectable; the default uses `crypto.getRandomValues`
 * (browsers, Node ≥ 17 globals; on Node 16 pass `randomBytes` from node:crypto).
 */

export type RandomFill = (bytes: Uint8Array) => void;

export interface Uuidv7Options {
  /** Milliseconds since the Unix epoch. Default `Date.now`. */
  now?: () => number;
  /** Fills the array with cryptographically random bytes. Default `crypto.getRandomValues`. */
  random?: RandomFill;
}

export const UUIDV7_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const MAX_TIMESTAMP = 2 ** 48 - 1;

function defaultRandom(): RandomFill {
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (!c || typeof c.getRandomValues !== 'function') {
    throw new Error('uuidv7: no crypto.getRandomValues in this runtime; pass options.random');
  }
  return (bytes) => {
    c.getRandomValues!(bytes);
  };
}

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i + 0x100).toString(16).slice(1));

/** Create an independent monotonic generator. */
export function createUuidv7(options: Uuidv7Options = {}): () => string {
  const now = options.now ?? Date.now;
  let random: RandomFill | undefined = options.random;
  let lastMs = -1;
  let counter = 0;

  return function uuidv7(): string {
    random ??= defaultRandom();
    const bytes = new Uint8Array(16);
    random(bytes);

    let ms = Math.floor(now());
    if (!Number.isFinite(ms) || ms < 0) ms = 0;
    if (ms > lastMs) {
      lastMs = ms;
      // Seed the 12-bit counter with 11 random bits: at least 2048 ids per ms before it overflows.
      counter = ((bytes[6]! << 8) | bytes[7]!) & 0x7ff;
    } else {
      // Same millisecond, or the clock went backwards: keep the last timestamp, count up.
      counter++;
      if (counter > 0xfff) {
        lastMs++;
        counter = ((bytes[6]! << 8) | bytes[7]!) & 0x7ff;
      }
    }
    if (lastMs > MAX_TIMESTAMP) throw new Error('uuidv7: timestamp out of range');

    // 48-bit big-endian timestamp (split: JS bit ops are 32-bit).
    const high = Math.floor(lastMs / 2 ** 16);
    const low = lastMs % 2 ** 16;
    bytes[0] = (high >>> 24) & 0xff;
    bytes[1] = (high >>> 16) & 0xff;
    bytes[2] = (high >>> 8) & 0xff;
    bytes[3] = high & 0xff;
    bytes[4] = (low >>> 8) & 0xff;
    bytes[5] = low & 0xff;
    bytes[6] = 0x70 | ((counter >>> 8) & 0x0f);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);

    const h = (i: number) => HEX[bytes[i]!]!;
    return (
      h(0) + h(1) + h(2) + h(3) + '-' + h(4) + h(5) + '-' + h(6) + h(7) + '-' + h(8) + h(9) + '-' +
      h(10) + h(11) + h(12) + h(13) + h(14) + h(15)
    );
  };
}

/** The process-wide generator (monotonic across all callers in this realm). */
export const uuidv7: () => string = createUuidv7();

/** Milliseconds since the epoch encoded in a UUIDv7. */
export function uuidv7Timestamp(id: string): number {
  if (!UUIDV7_PATTERN.test(id)) throw new Error(`not a UUIDv7: ${id}`);
  const hex = id.slice(0, 8) + id.slice(9, 13);
  return parseInt(hex, 16);
}

export function isUuidv7(value: unknown): value is string {
  return typeof value === 'string' && UUIDV7_PATTERN.test(value);
}
