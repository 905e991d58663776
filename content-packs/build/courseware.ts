/**
 * HTML5 courseware arrives as a .zip with an index.html. We only read the zip's central directory
 * (no extraction) to find the start page and to refuse unsafe entry names early. Node 16 APIs only.
 */
import { open } from 'node:fs/promises';
import { TextDecoder } from 'node:util';

export interface CoursewareCheck {
  ok: boolean;
  /** Start page inside the zip ("index.html" or "<folder>/index.html"). */
  entry?: string;
  reason?: { zh: string; en: string };
}

const EOCD_SIG = 0x06054b50;
const CEN_SIG = 0x02014b50;

export async function checkCoursewareZip(file: string): Promise<CoursewareCheck> {
  const fh = await open(file, 'r');
  try {
    const { size } = await fh.stat();
    const tailLen = Math.min(size, 65557);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === EOCD_SIG) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) return { ok: false, reason: { zh: '不是有效的 zip 文件', en: 'not a valid zip file' } };
    let count = tail.readUInt16LE(eocd + 10);
    const cdSize = tail.readUInt32LE(eocd + 12);
    const cdOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      // ZIP64 courseware is implausible; treat as unsupported rather than guess
      return { ok: false, reason: { zh: '课件 zip 过大（ZIP64），请精简后重新压缩', en: 'courseware zip is ZIP64; make it smaller' } };
    }
    if (cdOffset + cdSize > size) return { ok: false, reason: { zh: 'zip 文件不完整（可能被截断）', en: 'zip file is truncated' } };
    const cd = Buffer.alloc(cdSize);
    await fh.read(cd, 0, cdSize, cdOffset);
    const names: string[] = [];
    let p = 0;
    while (count-- > 0 && p + 46 <= cd.length) {
      if (cd.readUInt32LE(p) !== CEN_SIG) return { ok: false, reason: { zh: 'zip 目录损坏', en: 'zip central directory is corrupt' } };
      const flags = cd.readUInt16LE(p + 8);
      const nameLen = cd.readUInt16LE(p + 28);
      const extraLen = cd.readUInt16LE(p + 30);
      const commentLen = cd.readUInt16LE(p + 32);
      const raw = cd.subarray(p + 46, p + 46 + nameLen);
      // bit 11 = UTF-8; otherwise most Chinese zip tools wrote GBK
      const name = flags & 0x800 ? raw.toString('utf8') : new TextDecoder('gbk').decode(raw);
      names.push(name);
      p += 46 + nameLen + extraLen + commentLen;
    }
    for (const n of names) {
      if (n.includes('\\') || n.startsWith('/') || /^[A-Za-z]:/.test(n) || n.split('/').includes('..')) {
        return { ok: false, reason: { zh: `zip 中有不安全的文件名“${n}”`, en: `unsafe entry name "${n}" in the zip` } };
      }
    }
    if (names.includes('index.html')) return { ok: true, entry: 'index.html' };
    const tops = new Set(names.map((n) => n.split('/')[0]));
    if (tops.size === 1) {
      const top = [...tops][0]!;
      if (names.includes(`${top}/index.html`)) return { ok: true, entry: `${top}/index.html` };
    }
    const htmls = names.filter((n) => /(^|\/)index\.html?$/i.test(n)).sort((a, b) => a.split('/').length - b.split('/').length);
    if (htmls[0]) return { ok: true, entry: htmls[0] };
    return { ok: false, reason: { zh: 'zip 中没有 index.html（HTML5 课件的首页）', en: 'no index.html (the courseware start page) in the zip' } };
  } finally {
    await fh.close();
  }
}
