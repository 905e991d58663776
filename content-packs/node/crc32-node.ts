/**
 * CRC-32 (the ZIP one) for Node: zlib's native `crc32` where the runtime has it (Node ≥ 20.15/22.2:
 * SIMD, several GB/s), else the pure slicing-by-8 one from format/ (Node 16 / Electron 22, ~0.5 GB/s).
 * Same contract as `crc32Update`: pass 0 to start, the previous value to continue.
 */
import * as zlib from 'zlib';
import { crc32Update } from '../format/crc32';

type NativeCrc32 = (data: Uint8Array, value?: number) => number;
const native = (zlib as unknown as { crc32?: NativeCrc32 }).crc32;

export const crc32Native = typeof native === 'function';

export function crc32Chunk(crc: number, data: Uint8Array): number {
  return native ? native(data, crc) >>> 0 : crc32Update(crc, data) >>> 0;
}
