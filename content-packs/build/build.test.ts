import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestTrust, type TestTrust } from '../format/testing';
import { verifyPackFile } from '../node/verify';
import { openPackFile } from '../node/verify';
import { ffprobeJson, makeMp4 } from '../../tests/fixtures/tiny-media';
import { LESSON1, LESSON2, makeTinySource } from '../../tests/fixtures/tiny-source';
import { buildPack } from './build';
import { BuildFailedError } from './problems';
import { scanSource, stableId } from './source';

let dir: string;
let trust: TestTrust;
let src: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-build-'));
  trust = await makeTestTrust();
  src = makeTinySource(join(dir, 'src'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scanSource', () => {
  it('maps the 学段/学科/版本/年级/册/单元/课 folders to the lesson tree with stable ids', async () => {
    const { plan, problems } = await scanSource(src);
    expect(problems).toEqual([]);
    expect(plan).toMatchObject({ id: 'cn.example.test-math', version: 1, title: { 'zh-CN': '测试包', en: 'Test pack' }, license: 'CC BY 4.0' });
    const levels: string[] = [];
    let node = plan.tree[0];
    while (node) {
      levels.push(`${node.level}:${node.title['zh-CN']}`);
      node = node.children?.[0];
    }
    expect(levels).toEqual(['stage:小学', 'subject:数学', 'edition:人教版', 'grade:一年级', 'volume:上册', 'unit:第一单元 准备课', 'lesson:1 数一数']);
    const unit = plan.tree[0]!.children![0]!.children![0]!.children![0]!.children![0]!.children![0]!;
    expect(unit.children!.map((l) => l.title['zh-CN'])).toEqual(['1 数一数', '2 比多少']);
    const l1 = unit.children![0]!;
    expect(l1.id).toBe(stableId('l', 'cn.example.test-math', LESSON1));
    expect(l1.resources!.map((r) => [r.kind, r.title['zh-CN'], r.subtitles.length])).toEqual([
      ['video', '数一数', 1],
      ['image', '挂图', 0],
      ['pdf', '学习单', 0],
      ['exercise-set', '练习', 0],
    ]);
    expect(l1.resources![3]!.exercises!.items[0]!.item).toMatchObject({ type: 'true-false', prompt: '你好', correct: true }); // the GBK CSV
    expect((await scanSource(src)).plan.resources.map((r) => r.id)).toEqual(plan.resources.map((r) => r.id));
  });
});

describe('buildPack', () => {
  it('builds a pack that verifyPackFile accepts, transcoding the AVI, and hits the cache on rebuild', async () => {
    const out = join(dir, 'test.tpk');
    const cacheDir = join(dir, 'cache');
    const phases = new Set<string>();
    const r = await buildPack({ srcDir: src, out, key: trust.county.privateKeyFile, cert: trust.cert, cacheDir, onProgress: (p) => phases.add(p.phase) });
    expect([...phases]).toEqual(['scan', 'media', 'write', 'done']);
    expect(r.stats).toMatchObject({ mediaFiles: 4, transcoded: 1, copied: 3, fromCache: 0 });
    const v = await verifyPackFile(out, { trustedRoots: [trust.root.publicKeyFile] });
    expect(v.problems).toEqual([]);
    expect(v.ok).toBe(true);
    const m = v.manifest!;
    expect(m.resources.map((x) => x.kind)).toEqual(['video', 'image', 'pdf', 'exercise-set', 'video', 'audio', 'exercise-set']);
    const video = m.resources[0]!;
    if (video.kind === 'exercise-set') throw new Error('unexpected');
    expect(video).toMatchObject({ blob: { mime: 'video/mp4' }, thumbnail: { mime: 'image/jpeg' }, subtitles: [{ lang: 'zh-CN', blob: { mime: 'text/vtt' } }], license: 'CC BY 4.0' });
    expect(video.durationSec).toBeGreaterThan(0.5);
    expect(m.exercises.map((s) => [s.title['zh-CN'], s.items.length, s.mastery])).toEqual([
      ['练习', 1, { type: 'm-of-n', m: 1, n: 1 }],
      ['比多少', 2, { type: 'm-of-n', m: 2, n: 2 }],
    ]);
    // the transcoded AVI really is H.264/AAC MP4 inside the pack
    const pack = await openPackFile(out);
    const entry = pack.blobEntry(video.blob.sha256)!;
    expect(entry.method).toBe(0);
    const { readFileSync } = await import('node:fs');
    const extracted = join(dir, 'extracted.mp4');
    writeFileSync(extracted, readFileSync(out).subarray(entry.dataOffset, entry.dataOffset + entry.compressedSize));
    await pack.close();
    expect(ffprobeJson(extracted).streams.map((s) => s.codec_name).sort()).toEqual(['aac', 'h264']);
    // CRC-32s come from the build's hashing pass (not the writer): a zip tool checks every one
    if (existsSync('/usr/bin/unzip')) {
      const t = spawnSync('unzip', ['-tq', out], { encoding: 'utf8' });
      expect(`${t.stdout}${t.stderr}`).toContain('No errors detected');
    }

    const again = await buildPack({ srcDir: src, out: join(dir, 'again.tpk'), key: trust.county.privateKeyFile, cert: trust.cert, cacheDir });
    expect(again.stats).toMatchObject({ mediaFiles: 4, fromCache: 4, transcoded: 1 });
    expect(again.manifest.resources.map((x) => ('blob' in x ? x.blob.sha256 : x.id))).toEqual(m.resources.map((x) => ('blob' in x ? x.blob.sha256 : x.id)));
  });

  it('reports every problem at once, with file/row/column, and leaves no .tpk or .partial', async () => {
    const bad = join(dir, 'bad');
    makeTinySource(bad);
    const l1 = join(bad, LESSON1);
    const l2 = join(bad, LESSON2);
    writeFileSync(join(l1, '05 坏视频.mp4'), 'not really a video');
    writeFileSync(join(l1, '04 练习.csv'), '题型,题目,选项,答案\n单选,1+1=?,A. 1|B. 2,C\n问卷,你喜欢数学吗？,,\n');
    writeFileSync(join(l1, '06 成绩.xlsx'), 'x'); // office documents are converted (media/office.test.ts); sheets are not
    writeFileSync(
      join(bad, 'pack.yaml'),
      [
        'id: cn.example.bad',
        'version: 2',
        'title: 坏的包',
        'lessons:',
        '  - path: 小学/数学/人教版/一年级/上册/第二单元/1 认识图形',
        '    id: dup-lesson',
        '    resources:',
        '      - file: _素材/不存在.mp4',
        '  - path: 小学/数学/人教版/一年级/上册/第二单元/2 分一分',
        '    id: dup-lesson',
        '    resources:',
        '      - file: _素材/图形.png',
      ].join('\n'),
    );
    mkdirSync(join(bad, '_素材'), { recursive: true });
    copyFileSync(join(l1, '02 挂图.png'), join(bad, '_素材', '图形.png'));
    rmSync(join(l2, '02 儿歌.mp3'));
    writeFileSync(join(l2, '03 练习.exercises.yaml'), 'items:\n  - type: 连连看\n    prompt: 连一连\n');
    const out = join(dir, 'bad.tpk');
    const err = await buildPack({ srcDir: bad, out, key: trust.county.privateKeyFile, cert: trust.cert, cacheDir: null }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BuildFailedError);
    const problems = (err as BuildFailedError).problems;
    const summary = problems.map((p) => [p.code, p.file, p.row, p.column]);
    expect(summary).toEqual(
      expect.arrayContaining([
        ['build.bad-answer', `${LESSON1}/04 练习.csv`, 2, 4],
        ['build.unknown-item-type', `${LESSON1}/04 练习.csv`, 3, 1],
        ['build.unknown-item-type', `${LESSON2}/03 练习.exercises.yaml`, 2, undefined],
        ['build.unsupported-file', `${LESSON1}/06 成绩.xlsx`, undefined, undefined],
        ['build.missing-file', 'pack.yaml', 8, undefined],
        ['build.duplicate-id', 'pack.yaml', 10, undefined],
        ['build.empty-lesson', 'pack.yaml', undefined, undefined],
        ['media.unreadable', `${LESSON1}/05 坏视频.mp4`, undefined, undefined],
      ]),
    );
    expect(problems.every((p) => p.message.zh.length > 0 && p.message.en.length > 0)).toBe(true);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dir).filter((f) => f.startsWith('bad.tpk'))).toEqual([]);
  });

  it('refuses an empty pack and a key that does not match the certificate', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(join(empty, '小学'), { recursive: true });
    const e1 = await buildPack({ srcDir: join(dir, 'nothing-here'), out: join(dir, 'e0.tpk'), key: trust.county.privateKeyFile, cert: trust.cert, cacheDir: null }).catch((e: unknown) => e);
    expect((e1 as BuildFailedError).problems.map((p) => p.code)).toEqual(['build.missing-file']);
    const e2 = await buildPack({ srcDir: empty, out: join(dir, 'e1.tpk'), key: trust.county.privateKeyFile, cert: trust.cert, cacheDir: null }).catch((e: unknown) => e);
    expect((e2 as BuildFailedError).problems.map((p) => p.code)).toEqual(['build.empty-lesson', 'build.empty-pack']);
    rmSync(join(empty, '小学'), { recursive: true });
    const e3 = await buildPack({ srcDir: empty, out: join(dir, 'e2.tpk'), key: trust.county.privateKeyFile, cert: trust.cert, cacheDir: null }).catch((e: unknown) => e);
    expect((e3 as BuildFailedError).problems.map((p) => p.code)).toEqual(['build.empty-pack']);
    await expect(buildPack({ srcDir: src, out: join(dir, 'e3.tpk'), key: trust.root.privateKeyFile, cert: trust.cert, cacheDir: null })).rejects.toMatchObject({ code: 'build.key-mismatch' });
    expect(readdirSync(dir).filter((f) => /^e\d\.tpk/.test(f))).toEqual([]);
  });

  it('takes a pass-through MP4 byte for byte', async () => {
    const one = join(dir, 'one');
    const lesson = join(one, LESSON2);
    mkdirSync(lesson, { recursive: true });
    const mp4 = makeMp4(join(lesson, 'clip.mp4'), { seed: 3 });
    const r = await buildPack({ srcDir: one, out: join(dir, 'one.tpk'), key: trust.county.privateKeyFile, cert: trust.cert, cacheDir: null });
    const { createHash } = await import('node:crypto');
    const { readFileSync } = await import('node:fs');
    const res = r.manifest.resources[0]!;
    expect('blob' in res && res.blob.sha256).toBe(createHash('sha256').update(readFileSync(mp4)).digest('hex'));
    expect(r.manifest.id).toMatch(/^local\.[0-9a-f]{12}$/);
  });
});

describe('hash index safety', () => {
  it('a stale hash-index entry cannot produce a pack with wrong bytes: the writer re-hashes and the build fails cleanly', async () => {
    const srcDir = join(dir, 'stale');
    const lesson = join(srcDir, LESSON2);
    mkdirSync(lesson, { recursive: true });
    makeMp4(join(lesson, 'clip.mp4'), { seed: 5 });
    const cacheDir = join(dir, 'stale-cache');
    await buildPack({ srcDir, out: join(dir, 'stale1.tpk'), key: trust.county.privateKeyFile, cert: trust.cert, cacheDir });
    // poison every hash-index entry (as if the file had changed without its size/mtime/inode changing)
    const { readdirSync: ls, writeFileSync: wf, statSync: st } = await import('node:fs');
    const index = join(cacheDir, 'v1', 'hash-index');
    for (const sub of ls(index)) for (const f of ls(join(index, sub))) if (st(join(index, sub, f)).isFile()) wf(join(index, sub, f), 'a'.repeat(64));
    const out = join(dir, 'stale2.tpk');
    await expect(buildPack({ srcDir, out, key: trust.county.privateKeyFile, cert: trust.cert, cacheDir })).rejects.toMatchObject({ code: 'pack.write-hash-mismatch' });
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.partial`)).toBe(false);
    // the failed run dropped the hash index: running again works
    const ok = await buildPack({ srcDir, out, key: trust.county.privateKeyFile, cert: trust.cert, cacheDir });
    expect((await verifyPackFile(ok.out, { trustedRoots: [trust.root.publicKeyFile] })).ok).toBe(true);
  });
});
