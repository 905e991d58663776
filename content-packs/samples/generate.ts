// Media generators for the sample packs: short captioned videos (ffmpeg lavfi + drawtext with a
// CJK font), Mandarin narration (espeak-ng, else a tone), pictures, PDFs (Chromium page.pdf, else a
// tiny hand-made PDF) and HTML5 courseware zips. Everything is generated at build time so the
// repository only holds small text sources.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { resolveFfmpeg, resolveFfprobe } from '../media/binaries';

export const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

export interface Caption {
  text: string;
  start: number;
  end: number;
}

function ffmpeg(args: string[]): void {
  const r = spawnSync(resolveFfmpeg(), ['-hide_banner', '-nostdin', '-y', '-v', 'error', ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg failed (${args.slice(-1)[0]}): ${r.stderr}`);
}

function durationOf(file: string): number {
  const r = spawnSync(resolveFfprobe(), ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file], { encoding: 'utf8' });
  return Number(r.stdout.trim()) || 0;
}

export function hasEspeak(): boolean {
  return spawnSync('espeak-ng', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Mandarin narration as WAV (espeak-ng -v cmn), or a gentle two-tone chime when espeak-ng is missing. */
export function narrate(text: string, out: string, fallbackSeconds = 4): void {
  mkdirSync(dirname(out), { recursive: true });
  if (hasEspeak()) {
    const r = spawnSync('espeak-ng', ['-v', 'cmn', '-s', '165', '-w', out, text], { encoding: 'utf8' });
    if (r.status === 0 && existsSync(out)) return;
  }
  ffmpeg(['-f', 'lavfi', '-i', `sine=frequency=523:duration=${fallbackSeconds}`, '-f', 'lavfi', '-i', `sine=frequency=659:duration=${fallbackSeconds}`, '-filter_complex', 'amix=inputs=2,volume=0.3', out]);
}

export interface VideoSpec {
  out: string;
  title: string;
  captions: Caption[];
  narration?: string;
  width: number;
  height: number;
  /** Background colour (ffmpeg colour syntax). */
  background?: string;
  /** Encoding: 'h264-mp4' (conforming, +faststart), 'mpeg4-avi' (old DivX style), 'h264-mkv'. */
  encoding: 'h264-mp4' | 'mpeg4-avi' | 'h264-mkv';
  minSeconds?: number;
}

/** A lesson video: chalkboard background, title, timed Chinese captions, narration. Returns the captions as timed in the video. */
export function makeLessonVideo(spec: VideoSpec): Caption[] {
  const work = mkdtempSync(join(tmpdir(), 'tp-sample-'));
  try {
    mkdirSync(dirname(spec.out), { recursive: true });
    const wav = join(work, 'narration.wav');
    narrate(spec.narration ?? spec.captions.map((c) => c.text).join('。'), wav, spec.minSeconds ?? 6);
    const seconds = Math.max(spec.minSeconds ?? 6, Math.ceil(durationOf(wav) + 1), ...spec.captions.map((c) => c.end));
    const fontSize = Math.round(spec.height / 12);
    // stretch the captions over the narration so the text follows the voice
    const lastEnd = Math.max(...spec.captions.map((c) => c.end), 1);
    const stretch = seconds / lastEnd;
    const captions = spec.captions.map((c) => ({ ...c, start: +(c.start * stretch).toFixed(2), end: +(c.end * stretch).toFixed(2) }));
    const filters: string[] = [];
    writeFileSync(join(work, 'title.txt'), spec.title);
    filters.push(`drawtext=fontfile=${CJK_FONT}:textfile=${join(work, 'title.txt')}:fontcolor=white:fontsize=${Math.round(fontSize * 1.4)}:x=(w-text_w)/2:y=h*0.12`);
    filters.push(`drawbox=x=iw*0.08:y=ih*0.32:w=iw*0.84:h=ih*0.02:color=0xf5e6a8@0.9:t=fill`);
    captions.forEach((c, i) => {
      const f = join(work, `c${i}.txt`);
      writeFileSync(f, c.text);
      filters.push(`drawtext=fontfile=${CJK_FONT}:textfile=${f}:fontcolor=0xfff59d:fontsize=${fontSize}:x=(w-text_w)/2:y=h*0.55:enable='between(t,${c.start},${c.end})'`);
    });
    // a small moving "chalk" dot so the picture is never static (seeking is visibly working)
    filters.push(`drawtext=fontfile=${CJK_FONT}:text='●':fontcolor=white:fontsize=${Math.round(fontSize / 2)}:x=w*0.1+(w*0.8)*mod(t\\,${seconds})/${seconds}:y=h*0.88`);
    const bg = `color=c=${spec.background ?? '0x2e5e3e'}:size=${spec.width}x${spec.height}:rate=25:duration=${seconds}`;
    const enc =
      spec.encoding === 'mpeg4-avi'
        ? ['-c:v', 'mpeg4', '-q:v', '5', '-c:a', 'libmp3lame', '-b:a', '96k']
        : ['-c:v', 'libx264', '-preset', 'veryfast', '-profile:v', 'main', '-pix_fmt', 'yuv420p', '-crf', '26', '-c:a', 'aac', '-b:a', '96k', '-ar', '44100', ...(spec.encoding === 'h264-mp4' ? ['-movflags', '+faststart'] : [])];
    ffmpeg(['-f', 'lavfi', '-i', bg, '-i', wav, '-filter_complex', `[0:v]${filters.join(',')}[v];[1:a]apad[a]`, '-map', '[v]', '-map', '[a]', '-t', String(seconds), ...enc, spec.out]);
    return captions;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A picture with a big caption (PNG or JPEG by extension). */
export function makePicture(out: string, opts: { text: string; sub?: string; width: number; height: number; background: string }): void {
  const work = mkdtempSync(join(tmpdir(), 'tp-sample-'));
  try {
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(join(work, 't.txt'), opts.text);
    writeFileSync(join(work, 's.txt'), opts.sub ?? '');
    const fs = Math.round(opts.height / 7);
    const vf = [
      `drawbox=x=iw*0.05:y=ih*0.05:w=iw*0.9:h=ih*0.9:color=white@0.35:t=8`,
      `drawtext=fontfile=${CJK_FONT}:textfile=${join(work, 't.txt')}:fontcolor=white:fontsize=${fs}:x=(w-text_w)/2:y=h*0.3`,
      `drawtext=fontfile=${CJK_FONT}:textfile=${join(work, 's.txt')}:fontcolor=0xfff59d:fontsize=${Math.round(fs / 2)}:x=(w-text_w)/2:y=h*0.62`,
    ].join(',');
    ffmpeg(['-f', 'lavfi', '-i', `color=c=${opts.background}:size=${opts.width}x${opts.height}:rate=1`, '-frames:v', '1', '-vf', vf, ...(out.endsWith('.jpg') ? ['-q:v', '3'] : []), out]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** Narration only (WAV as recorded, or MP3). */
export function makeAudio(out: string, text: string): void {
  mkdirSync(dirname(out), { recursive: true });
  if (out.endsWith('.wav')) {
    narrate(text, out);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'tp-sample-'));
  try {
    const wav = join(work, 'n.wav');
    narrate(text, wav);
    ffmpeg(['-i', wav, '-c:a', 'libmp3lame', '-b:a', '64k', '-ar', '44100', out]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** HTML → PDF with headless Chromium (playwright-core). Returns false when Chromium is unavailable. */
export async function htmlToPdf(pages: Array<{ html: string; out: string }>): Promise<boolean> {
  const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(chromium)) return false;
  let browser;
  try {
    const { chromium: pw } = await import('playwright-core');
    browser = await pw.launch({ executablePath: chromium, args: ['--no-sandbox', '--disable-gpu'] });
  } catch {
    return false;
  }
  try {
    const page = await browser.newPage();
    for (const p of pages) {
      mkdirSync(dirname(p.out), { recursive: true });
      await page.setContent(p.html, { waitUntil: 'load' });
      await page.pdf({ path: p.out, format: 'A4', printBackground: true, margin: { top: '18mm', bottom: '18mm', left: '16mm', right: '16mm' } });
    }
    return true;
  } finally {
    await browser.close();
  }
}

/** A one-page PDF written by hand (ASCII only — used when Chromium is missing). */
export function handMadePdf(out: string, lines: string[]): void {
  mkdirSync(dirname(out), { recursive: true });
  const esc = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`);
  const content = ['BT', '/F1 16 Tf', '60 780 Td', '22 TL', ...lines.map((l) => `(${esc(l)}) '`), 'ET'].join('\n');
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body);
  body += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  writeFileSync(out, body, 'latin1');
}

/** HTML5 courseware zip (index.html + script) made with the `zip` tool. Returns false without it. */
export function makeCoursewareZip(out: string, files: Record<string, string>): boolean {
  if (spawnSync('zip', ['-v'], { encoding: 'utf8' }).status !== 0) return false;
  const work = mkdtempSync(join(tmpdir(), 'tp-sample-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(work, name)), { recursive: true });
      writeFileSync(join(work, name), text);
    }
    mkdirSync(dirname(out), { recursive: true });
    rmSync(out, { force: true });
    const r = spawnSync('zip', ['-q', '-r', '-X', out, '.'], { cwd: work, encoding: 'utf8' });
    return r.status === 0;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function timestamp(t: number, sep: '.' | ','): string {
  const ms = Math.round(t * 1000);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(Math.floor(ms / 3600000))}:${p(Math.floor(ms / 60000) % 60)}:${p(Math.floor(ms / 1000) % 60)}${sep}${p(ms % 1000, 3)}`;
}

/** Captions as WebVTT (or SubRip when the name ends in .srt — what many county archives have). */
export function writeSubtitles(out: string, captions: Caption[]): void {
  const srt = out.endsWith('.srt');
  const cues = captions.map((c, i) => `${i + 1}\n${timestamp(c.start, srt ? ',' : '.')} --> ${timestamp(c.end, srt ? ',' : '.')}\n${c.text}\n`);
  writeFileSync(out, (srt ? '' : 'WEBVTT\n\n') + cues.join('\n'));
}
