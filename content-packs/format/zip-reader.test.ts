import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { bytesSource, inspectZip, openZip, safeEntryName, type RandomAccessSource } from './zip-reader';
import { craftZip } from './testing-zip';
import { encodeLocalHeader, dosDateTime } from './zip-layout';
import { concatBytes, utf8Encode } from './encoding';
import { crc32 } from './crc32';

const te = (s: string) => new TextEncoder().encode(s);

describe('safeEntryName', () => {
  it.each(['manifest.json', 'blobs/' + 'a'.repeat(64), 'a/b/c.txt', '中文/课.mp4', 'a..b', '.hidden'])('accepts %s', (n) => {
    expect(safeEntryName(n).ok).toBe(true);
  });
  it.each(['', '../evil', 'a/../../evil', '/etc/passwd', 'a\\b', '..\\..\\evil', 'C:evil', 'c:/windows/x', 'a//b', 'dir/', 'a/./b', '.', 'x\u0000y', 'a\nb', 'CON', 'dir/nul.txt', 'com1', 'a.', 'a ', 'file:stream'])(
    'rejects %j',
    (n) => {
      const r = safeEntryName(n);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason.zh.length).toBeGreaterThan(0);
    },
  );
});

describe('inspectZip', () => {
  it('reads entries, sizes and data offsets', async () => {
    const hello = te('hello world');
    const text = te('字幕 '.repeat(200));
    const deflated = new Uint8Array(zlib.deflateRawSync(text));
    const z = craftZip([
      { name: 'manifest.json', data: hello },
      { name: 'blobs/x', method: 8, data: text, deflated },
    ]);
    const zip = await openZip(z.source);
    expect(zip.entries.map((e) => e.name)).toEqual(['manifest.json', 'blobs/x']);
    const m = zip.get('manifest.json')!;
    expect(m).toMatchObject({ method: 0, compressedSize: 11, uncompressedSize: 11, crc32: crc32(hello), localHeaderOffset: 0 });
    expect(new TextDecoder().decode(await z.source.read(m.dataOffset, m.compressedSize))).toBe('hello world');
    const b = zip.get('blobs/x')!;
    expect(b.method).toBe(8);
    expect(b.uncompressedSize).toBe(text.length);
    const raw = await z.source.read(b.dataOffset, b.compressedSize);
    expect(new Uint8Array(zlib.inflateRawSync(raw))).toEqual(text);
  });

  it('reads forced ZIP64 structures', async () => {
    const z = craftZip([{ name: 'a', data: te('aaa') }, { name: 'b', data: te('bb') }], { forceZip64: true });
    const r = await inspectZip(z.source);
    expect(r.problems).toEqual([]);
    expect(r.zip64).toBe(true);
    const b = r.get('b')!;
    expect(new TextDecoder().decode(await z.source.read(b.dataOffset, b.uncompressedSize))).toBe('bb');
  });

  it('reads ZIP64 offsets beyond 4 GiB (virtual 4.5 GiB archive)', async () => {
    const big = 4.5 * 1024 ** 3;
    const z = craftZip([{ name: 'blobs/big', virtualSize: big }, { name: 'after', data: te('tail') }]);
    expect(z.size).toBeGreaterThan(2 ** 32);
    const r = await inspectZip(z.source);
    expect(r.problems).toEqual([]);
    const first = r.get('blobs/big')!;
    expect(first.uncompressedSize).toBe(big);
    const after = r.get('after')!;
    expect(after.localHeaderOffset).toBeGreaterThan(2 ** 32);
    expect(new TextDecoder().decode(await z.source.read(after.dataOffset, 4))).toBe('tail');
  });

  it('rejects every unsafe name with pack.unsafe-entry-name and keeps them out of entries', async () => {
    const names = ['../evil.txt', '/abs.txt', 'dir\\evil.txt', 'C:evil.txt', 'a//b', 'ok.txt'];
    const z = craftZip(names.map((name) => ({ name, data: te(name) })));
    const r = await inspectZip(z.source);
    expect(r.entries.map((e) => e.name)).toEqual(['ok.txt']);
    expect(r.problems.map((p) => [p.code, p.path])).toEqual(names.slice(0, 5).map((n) => ['pack.unsafe-entry-name', n]));
    await expect(openZip(z.source)).rejects.toMatchObject({ code: 'pack.unsafe-entry-name' });
  });

  it('rejects names that are not UTF-8 or not flagged UTF-8', async () => {
    const gbk = Uint8Array.of(0xd6, 0xd0, 0x2e, 0x74); // "中.t" in GBK, invalid UTF-8
    const r1 = await inspectZip(craftZip([{ name: gbk, data: te('x') }]).source);
    expect(r1.problems.map((p) => p.code)).toEqual(['pack.unsafe-entry-name']);
  });

  it('rejects duplicate names', async () => {
    const r = await inspectZip(craftZip([{ name: 'a', data: te('1') }, { name: 'a', data: te('2') }]).source);
    expect(r.problems.map((p) => p.code)).toEqual(['pack.duplicate-entry']);
  });

  it('rejects overlapping entries', async () => {
    const { dosTime, dosDate } = dosDateTime(new Date());
    const inner = te('hello');
    const bLocal = encodeLocalHeader({ nameBytes: te('b'), method: 0, crc32: crc32(inner), compressedSize: 5, uncompressedSize: 5, localHeaderOffset: 0, dosTime, dosDate, zip64Local: false });
    const aData = concatBytes([bLocal, inner]);
    // a's local header is 30 + 1 bytes, so a's data (holding a full local header for b) starts at 31
    const z = craftZip([{ name: 'a', data: aData }, { name: 'b', data: inner, localHeaderOffset: 31 }]);
    const r = await inspectZip(z.source);
    expect(r.problems.map((p) => p.code)).toEqual(['pack.overlapping-entries']);
  });

  it('rejects a local header that disagrees with the central directory', async () => {
    const r = await inspectZip(craftZip([{ name: 'good', data: te('x'), localName: utf8Encode('../bad') }]).source);
    expect(r.problems.map((p) => p.code)).toEqual(['pack.zip-corrupt']);
  });

  describe("localHeaders: 'lazy'", () => {
    /** A source that counts reads. */
    const counting = (src: RandomAccessSource): { reads: number; source: RandomAccessSource } => {
      const c: { reads: number; source: RandomAccessSource } = {
        reads: 0,
        source: {
          size: src.size,
          read: (o, l) => {
            c.reads++;
            return src.read(o, l);
          },
        },
      };
      return c;
    };

    it('reads only the end records and the central directory; locate() gives the eager data offsets', async () => {
      const files = Array.from({ length: 50 }, (_, i) => ({ name: `blobs/${i}`, data: te(`content ${i} `.repeat(i + 1)) }));
      const z = craftZip(files, { forceZip64: true });
      const eager = await inspectZip(z.source);
      const c = counting(z.source);
      const lazy = await inspectZip(c.source, { localHeaders: 'lazy' });
      expect(lazy.problems).toEqual([]);
      expect(c.reads).toBeLessThanOrEqual(3);
      expect(lazy.entries.map((e) => e.name)).toEqual(eager.entries.map((e) => e.name));
      expect(lazy.entries.every((e) => e.dataOffset === -1)).toBe(true);
      const one = lazy.get('blobs/7')!;
      expect((await lazy.locate(one)).dataOffset).toBe(eager.get('blobs/7')!.dataOffset);
      await lazy.locateAll(lazy.entries);
      expect(lazy.entries.map((e) => e.dataOffset)).toEqual(eager.entries.map((e) => e.dataOffset));
      const readsSoFar = c.reads;
      await lazy.locate(one); // once per entry
      expect(c.reads).toBe(readsSoFar);
    });

    it('a local header that disagrees with the central directory: inspect passes, locate() refuses', async () => {
      const z = craftZip([{ name: 'ok', data: te('y') }, { name: 'good', data: te('x'), localName: utf8Encode('../bad') }]);
      const r = await inspectZip(z.source, { localHeaders: 'lazy' });
      expect(r.problems).toEqual([]);
      await expect(r.locate(r.get('ok')!)).resolves.toMatchObject({ name: 'ok' });
      await expect(r.locate(r.get('good')!)).rejects.toMatchObject({ code: 'pack.zip-corrupt' });
      await expect(r.locateAll(r.entries)).rejects.toMatchObject({ code: 'pack.zip-corrupt' });
      expect(r.get('good')!.dataOffset).toBe(-1);
    });

    it('overlap is refused: from the central directory alone, or at locate() when the local extra field reaches the next entry', async () => {
      const { dosTime, dosDate } = dosDateTime(new Date());
      const inner = te('hello');
      const bLocal = encodeLocalHeader({ nameBytes: te('b'), method: 0, crc32: crc32(inner), compressedSize: 5, uncompressedSize: 5, localHeaderOffset: 0, dosTime, dosDate, zip64Local: false });
      const spliced = craftZip([{ name: 'a', data: concatBytes([bLocal, inner]) }, { name: 'b', data: inner, localHeaderOffset: 31 }]);
      expect((await inspectZip(spliced.source, { localHeaders: 'lazy' })).problems.map((p) => p.code)).toEqual(['pack.overlapping-entries']);

      const bytes = craftZip([{ name: 'a', data: te('aaaa') }, { name: 'b', data: te('bbbb') }]).bytes!.slice();
      new DataView(bytes.buffer).setUint16(28, 8, true); // a's local extra length: its data now ends inside b's local header
      expect((await inspectZip(bytesSource(bytes))).problems.map((p) => p.code)).toEqual(['pack.overlapping-entries']);
      const lazy = await inspectZip(bytesSource(bytes), { localHeaders: 'lazy' });
      expect(lazy.problems).toEqual([]);
      await expect(lazy.locate(lazy.get('a')!)).rejects.toMatchObject({ code: 'pack.overlapping-entries' });
      await expect(lazy.locate(lazy.get('b')!)).resolves.toMatchObject({ name: 'b' });
    });

    it('detects truncation at any cut point', async () => {
      const z = craftZip([{ name: 'manifest.json', data: te('{"a":1}') }, { name: 'blobs/1', data: new Uint8Array(5000).fill(7) }]);
      const full = z.bytes!;
      for (const cut of [0, 1, 100, 2500, full.length - 60, full.length - 22, full.length - 1]) {
        const r = await inspectZip(bytesSource(full.subarray(0, cut)), { localHeaders: 'lazy' });
        expect(r.problems.map((p) => p.code), `cut at ${cut}`).toEqual(['pack.truncated']);
      }
    });
  });

  it('detects truncation at any cut point', async () => {
    const z = craftZip([{ name: 'manifest.json', data: te('{"a":1}') }, { name: 'blobs/1', data: new Uint8Array(5000).fill(7) }]);
    const full = z.bytes!;
    for (const cut of [0, 1, 100, 2500, full.length - 60, full.length - 22, full.length - 1]) {
      const r = await inspectZip(bytesSource(full.subarray(0, cut)));
      expect(r.problems.map((p) => p.code), `cut at ${cut}`).toEqual(['pack.truncated']);
      expect(r.entries).toEqual([]);
    }
  });

  it('says "not a zip" for other files', async () => {
    const r = await inspectZip(bytesSource(te('This is a text file, not a pack at all. '.repeat(10))));
    expect(r.problems.map((p) => p.code)).toEqual(['pack.not-a-zip']);
  });

  it('flags encrypted entries and unknown methods as unsupported', async () => {
    const r = await inspectZip(craftZip([{ name: 'a', data: te('x'), flags: 1 }]).source);
    expect(r.problems.map((p) => p.code)).toEqual(['pack.unsupported-zip-feature']);
  });

  const hasZip = existsSync('/usr/bin/zip');
  it.runIf(hasZip)('reads archives made by Info-ZIP zip (stored and deflated)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tpk-zip-'));
    try {
      mkdirSync(join(dir, 'src', 'blobs'), { recursive: true });
      writeFileSync(join(dir, 'src', 'manifest.json'), '{"x":1}'.repeat(100));
      writeFileSync(join(dir, 'src', 'blobs', 'b'), Buffer.alloc(3000, 1));
      execFileSync('zip', ['-q', '-X', '-r', join(dir, 'out.zip'), 'manifest.json', 'blobs/b'], { cwd: join(dir, 'src') });
      const bytes = new Uint8Array(readFileSync(join(dir, 'out.zip')));
      const zip = await openZip(bytesSource(bytes));
      const names = zip.entries.map((e) => e.name).sort();
      expect(names).toEqual(['blobs/b', 'manifest.json']);
      const m = zip.get('manifest.json')!;
      const data = bytes.subarray(m.dataOffset, m.dataOffset + m.compressedSize);
      const plain = m.method === 8 ? zlib.inflateRawSync(data) : Buffer.from(data);
      expect(plain.toString()).toBe('{"x":1}'.repeat(100));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
