// Office documents → PDF (media/office.ts) and `tpk build` with PPTX/DOCX in lesson folders.
// The real conversion needs LibreOffice (soffice) and poppler-utils (pdfinfo, pdftotext), both
// installed by scripts/setup-system.sh. Off CI a machine without them skips that part with a
// warning; with CI=true it fails instead, so the conversion is never silently unchecked.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8Encode } from '../format/encoding';
import { makeTestTrust, type TestTrust } from '../format/testing';
import { craftZip } from '../format/testing-zip';
import { openPackFile } from '../node/verify';
import { buildPack } from '../build/build';
import { BuildFailedError } from '../build/problems';
import { convertOfficeToPdf, fontconfigForChinese, isOfficeFile, officeMissingError, resolveSoffice } from './office';

const R = 'http://schemas.openxmlformats.org/';

function zipFile(path: string, parts: Record<string, string>): void {
  const z = craftZip(Object.entries(parts).map(([name, text]) => ({ name, data: utf8Encode(text) })));
  writeFileSync(path, z.bytes!);
}

/** A minimal PowerPoint 2007+ file: one text box per slide (lang zh-CN, as PowerPoint writes Chinese text). */
export function writePptx(path: string, slides: string[]): void {
  const slideXml = (t: string) =>
    `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:sld xmlns:a="${R}drawingml/2006/main" xmlns:r="${R}officeDocument/2006/relationships" xmlns:p="${R}presentationml/2006/main"><p:cSld><p:spTree>` +
    '<p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>' +
    '<p:sp><p:nvSpPr><p:cNvPr id="2" name="T"/><p:cNvSpPr txBox="1"/><p:nvPr/></p:nvSpPr><p:spPr><a:xfrm><a:off x="914400" y="914400"/><a:ext cx="7315200" cy="1371600"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></p:spPr>' +
    `<p:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="zh-CN" sz="4000"><a:latin typeface="微软雅黑"/><a:ea typeface="微软雅黑"/></a:rPr><a:t>${t}</a:t></a:r></a:p></p:txBody></p:sp></p:spTree></p:cSld></p:sld>`;
  const parts: Record<string, string> = {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>' +
      slides.map((_, i) => `<Override PartName="/ppt/slides/slide${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`).join('') +
      '</Types>',
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${R}officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/></Relationships>`,
    'ppt/presentation.xml':
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><p:presentation xmlns:a="${R}drawingml/2006/main" xmlns:r="${R}officeDocument/2006/relationships" xmlns:p="${R}presentationml/2006/main"><p:sldIdLst>` +
      slides.map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 1}"/>`).join('') +
      '</p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>',
    'ppt/_rels/presentation.xml.rels':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      slides.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${R}officeDocument/2006/relationships/slide" Target="slides/slide${i + 1}.xml"/>`).join('') +
      '</Relationships>',
  };
  slides.forEach((t, i) => (parts[`ppt/slides/slide${i + 1}.xml`] = slideXml(t)));
  zipFile(path, parts);
}

/** A minimal Word 2007+ file: one paragraph per page, separated by page breaks, in 宋体. */
export function writeDocx(path: string, pages: string[]): void {
  const W = `${R}wordprocessingml/2006/main`;
  const body = pages
    .map((t, i) => `<w:p><w:r><w:rPr><w:rFonts w:ascii="宋体" w:eastAsia="宋体"/><w:lang w:eastAsia="zh-CN"/></w:rPr>${i > 0 ? '<w:br w:type="page"/>' : ''}<w:t>${t}</w:t></w:r></w:p>`)
    .join('');
  zipFile(path, {
    '[Content_Types].xml':
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    '_rels/.rels': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="${R}officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`,
    'word/document.xml': `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="${W}"><w:body>${body}</w:body></w:document>`,
  });
}

const LESSON_A = '小学/数学/人教版/一年级/上册/第四单元 认识图形/1 认识图形';
const LESSON_B = '小学/数学/人教版/一年级/上册/第四单元 认识图形/2 拼一拼';

let dir: string;
let trust: TestTrust;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-office-'));
  trust = await makeTestTrust();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('office files without LibreOffice', () => {
  it('recognises PPT/Word/WPS/ODF by extension', () => {
    expect(['a.ppt', 'b.PPTX', 'c.doc', 'd.docx', 'e.wps', 'f.dps', 'g.odt', 'h.odp'].every(isOfficeFile)).toBe(true);
    expect(['a.pdf', 'b.xlsx', 'c.mp4', 'docx'].some(isOfficeFile)).toBe(false);
  });

  it('says how to install LibreOffice when it is absent; a wrong SOFFICE_PATH is named', async () => {
    expect(resolveSoffice({ PATH: '', SOFFICE_PATH: join(dir, 'no-soffice') })).toBeNull();
    const doc = join(dir, 'lonely.docx');
    writeDocx(doc, ['一']);
    const [o] = await convertOfficeToPdf([{ abs: doc, sha256: 'a'.repeat(64) }], { cache: null, workDir: dir, soffice: null });
    expect(o!.ok).toBe(false);
    if (o!.ok) return;
    expect(o!.error.code).toBe('media.office-missing');
    expect(o!.error.localized.zh).toContain('apt-get install libreoffice-impress-nogui libreoffice-writer-nogui');
    expect(o!.error.localized.en).toContain('libreoffice.org');
    expect(officeMissingError('x.pptx', '/opt/lo/soffice').localized.en).toContain('SOFFICE_PATH points to a LibreOffice that does not exist: /opt/lo/soffice');
  });

  it('tpk build reports ONE problem naming the files to convert, and writes nothing', async () => {
    const src = join(dir, 'src-missing');
    mkdirSync(join(src, LESSON_A), { recursive: true });
    writePptx(join(src, LESSON_A, '01 课件.pptx'), ['一']);
    writeDocx(join(src, LESSON_A, '02 教案.docx'), ['二']);
    const saved = process.env['SOFFICE_PATH'];
    process.env['SOFFICE_PATH'] = join(dir, 'no-soffice');
    try {
      const out = join(dir, 'missing.tpk');
      const err = await buildPack({ srcDir: src, out, key: trust.county.privateKeyFile, cert: trust.cert, cacheDir: null }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BuildFailedError);
      const problems = (err as BuildFailedError).problems;
      expect(problems.map((p) => p.code)).toEqual(['media.office-missing']);
      expect(problems[0]!.details).toEqual({ files: [`${LESSON_A}/01 课件.pptx`, `${LESSON_A}/02 教案.docx`] });
      expect(problems[0]!.message.zh).toContain('SOFFICE_PATH');
    } finally {
      if (saved === undefined) delete process.env['SOFFICE_PATH'];
      else process.env['SOFFICE_PATH'] = saved;
    }
  });

  it('the fontconfig file keeps the system configuration and maps Chinese Office fonts to SC faces', () => {
    const conf = fontconfigForChinese('/etc/fonts/fonts.conf');
    expect(conf).toContain('<include ignore_missing="yes">/etc/fonts/fonts.conf</include>');
    expect(conf).toMatch(/<family>宋体<\/family><prefer><family>Noto Serif CJK SC<\/family>/);
    expect(conf).toMatch(/<family>微软雅黑<\/family><prefer><family>Noto Sans CJK SC<\/family>/);
  });
});

const soffice = resolveSoffice();
const poppler = spawnSync('pdftotext', ['-v']).status === 0 && spawnSync('pdfinfo', ['-v']).status === 0;
const canConvert = soffice !== null && poppler;
if (!canConvert && process.env['CI']) {
  describe('office conversion prerequisites (CI)', () => {
    it('LibreOffice and poppler-utils are installed (scripts/setup-system.sh)', () => {
      expect({ soffice, poppler }).toEqual({ soffice: expect.any(String), poppler: true });
    });
  });
} else if (!canConvert) {
  console.warn(`office.test: skipping the LibreOffice conversion (soffice: ${soffice ?? 'missing'}, poppler-utils: ${poppler ? 'ok' : 'missing'}); run scripts/setup-system.sh`);
}

function pdfFacts(bytes: Buffer): { pages: number; text: string; fonts: string } {
  const f = join(dir, `check-${Math.random().toString(36).slice(2)}.pdf`);
  writeFileSync(f, bytes);
  const info = spawnSync('pdfinfo', [f], { encoding: 'utf8' }).stdout;
  const text = spawnSync('pdftotext', ['-enc', 'UTF-8', f, '-'], { encoding: 'utf8' }).stdout;
  const fonts = spawnSync('pdffonts', [f], { encoding: 'utf8' }).stdout;
  return { pages: Number(/Pages:\s+(\d+)/.exec(info)?.[1] ?? 0), text: text.replace(/\s+/g, ''), fonts };
}

describe.runIf(canConvert)('tpk build converts PPTX and DOCX with LibreOffice', () => {
  it('one LibreOffice run makes PDFs with the right pages and Chinese text; a rebuild takes them from the cache', async () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, LESSON_A), { recursive: true });
    mkdirSync(join(src, LESSON_B), { recursive: true });
    writeFileSync(join(src, 'pack.yaml'), 'id: cn.example.office\nversion: 1\ntitle: 课件与教案\n');
    writePptx(join(src, LESSON_A, '01 课件.pptx'), ['课件第一页：认识图形', '课件第二页：长方形', '课件第三页：正方形']);
    writeDocx(join(src, LESSON_A, '02 教案.docx'), ['教案：数一数（第一页）', '教学反思：小猫有三只（第二页）']);
    // the same file name in another lesson: must not overwrite the first one's PDF
    writePptx(join(src, LESSON_B, '01 课件.pptx'), ['拼一拼：七巧板']);
    const cacheDir = join(dir, 'cache');
    const out = join(dir, 'office.tpk');
    const r = await buildPack({ srcDir: src, out, key: trust.county.privateKeyFile, cert: trust.cert, cacheDir });
    expect(r.stats).toMatchObject({ documentsConverted: 3, documentsFromCache: 0 });
    const pdfs = r.manifest.resources.map((x) => {
      if (x.kind !== 'pdf') throw new Error(`expected pdf, got ${x.kind}`);
      return { title: x.title['zh-CN'], blob: x.blob };
    });
    expect(pdfs.map((p) => [p.title, p.blob.mime])).toEqual([
      ['课件', 'application/pdf'],
      ['教案', 'application/pdf'],
      ['课件', 'application/pdf'],
    ]);
    const pack = await openPackFile(out);
    const bytes = readFileSync(out);
    const facts = pdfs.map((p) => {
      const e = pack.blobEntry(p.blob.sha256)!;
      return pdfFacts(bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize));
    });
    await pack.close();
    expect(facts.map((f) => [f.pages, f.text])).toEqual([
      [3, '课件第一页：认识图形课件第二页：长方形课件第三页：正方形'],
      [2, '教案：数一数（第一页）教学反思：小猫有三只（第二页）'],
      [1, '拼一拼：七巧板'],
    ]);
    // Chinese text is set in an embedded CJK font, not boxes. (Noto CJK's collection shares one CFF
    // named "…CJKjp…" across its JP/SC/TC faces, so the embedded name cannot tell the face apart.)
    for (const f of facts) expect(f.fonts).toMatch(/(NotoSansCJK|NotoSerifCJK|SourceHan|WenQuanYi)\S*\s.*\byes\b/);

    // Rebuild: every PDF from the cache, LibreOffice not needed at all (a wrong SOFFICE_PATH would fail a conversion).
    const saved = process.env['SOFFICE_PATH'];
    process.env['SOFFICE_PATH'] = join(dir, 'no-soffice');
    try {
      const again = await buildPack({ srcDir: src, out: join(dir, 'again.tpk'), key: trust.county.privateKeyFile, cert: trust.cert, cacheDir });
      expect(again.stats).toMatchObject({ documentsConverted: 0, documentsFromCache: 3 });
      expect(again.manifest.resources.map((x) => ('blob' in x ? x.blob.sha256 : null))).toEqual(pdfs.map((p) => p.blob.sha256));
    } finally {
      if (saved === undefined) delete process.env['SOFFICE_PATH'];
      else process.env['SOFFICE_PATH'] = saved;
    }
  }, 600_000);
});
