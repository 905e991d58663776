import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { craftZip } from '../format/testing-zip';
import { inspectZip } from '../format/zip-reader';
import { readEntryStream } from './entry-stream';
import { fileSource } from './file-source';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'tpk-entry-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function collect(s: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of s) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

async function zipFile(name: string, bytes: Uint8Array) {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  const src = await fileSource(p);
  try {
    return { path: p, zip: await inspectZip(src) };
  } finally {
    await src.close();
  }
}

describe('readEntryStream', () => {
  const text = Buffer.from('第一课 认识数字\n'.repeat(2000));
  const deflated = new Uint8Array(zlib.deflateRawSync(text));

  it('streams STORE ranges, empty entries and DEFLATE content exactly', async () => {
    const z = craftZip([
      { name: 'a', data: new Uint8Array(text) },
      { name: 'empty', data: new Uint8Array(0) },
      { name: 'd', method: 8, data: new Uint8Array(text), deflated },
    ]);
    const { path, zip } = await zipFile('ok.zip', z.bytes!);
    expect((await collect(readEntryStream(path, zip.get('a')!, { verifyCrc: true, highWaterMark: 1000 }))).equals(text)).toBe(true);
    expect((await collect(readEntryStream(path, zip.get('empty')!))).length).toBe(0);
    expect((await collect(readEntryStream(path, zip.get('d')!, { verifyCrc: true }))).equals(text)).toBe(true);
  });

  it('errors on corrupt DEFLATE data, wrong CRC and wrong size', async () => {
    const broken = deflated.slice();
    broken.fill(0xff, 10, 40);
    const z = craftZip([
      { name: 'bad-deflate', method: 8, data: new Uint8Array(text), deflated: broken },
      { name: 'bad-crc', data: new Uint8Array(text), crc32: 12345 },
    ]);
    const { path, zip } = await zipFile('bad.zip', z.bytes!);
    await expect(collect(readEntryStream(path, zip.get('bad-deflate')!))).rejects.toThrow();
    await expect(collect(readEntryStream(path, zip.get('bad-crc')!, { verifyCrc: true }))).rejects.toMatchObject({ code: 'pack.zip-corrupt' });
    // CRC is not checked unless asked (callers that sha256 the content skip it)
    expect((await collect(readEntryStream(path, zip.get('bad-crc')!))).equals(text)).toBe(true);
    const z2 = craftZip([{ name: 'd', method: 8, data: new Uint8Array(text), deflated }]);
    const f2 = await zipFile('lie.zip', z2.bytes!);
    await expect(collect(readEntryStream(f2.path, { ...f2.zip.get('d')!, uncompressedSize: 10 }))).rejects.toMatchObject({ code: 'pack.blob-size-mismatch' });
  });
});
