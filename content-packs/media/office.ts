/**
 * Office documents → PDF at build time, with LibreOffice headless (`soffice --convert-to pdf`).
 *
 * County archives hold lesson slides (课件: PPT/PPTX/DPS) and lesson plans (教案: DOC/DOCX/WPS) by
 * the thousand; the device shows PDFs. Every cache miss of one build is converted by ONE soffice
 * process (LibreOffice starts in seconds, converts a file in a fraction of that), in a private
 * throw-away profile so it never hands the work to (or waits for) a LibreOffice the user has open.
 * Results are cached like transcodes: `TranscodeCache` entry keyed by the input's sha256.
 *
 * Fonts: documents name Windows fonts (宋体, 微软雅黑, 楷体 …) that Linux lacks. On Linux the
 * conversion runs with a fontconfig file that includes the system one and maps those names, and
 * the generic families, to the installed Simplified-Chinese faces (Noto/Source Han SC, WenQuanYi),
 * so they resolve to SC faces rather than to whatever CJK face sorts first (Noto's JP).
 * Node 16 APIs only.
 */
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, promises as fsp, statSync } from 'node:fs';
import { delimiter, extname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { TeachPointError } from '../../common/errors/errors';
import type { TranscodeCache } from './cache';
import { run, stderrTail } from './exec';

/** Extensions converted to PDF: Microsoft Office, WPS Office and OpenDocument text/presentations. */
export const OFFICE_EXTENSIONS: readonly string[] = ['ppt', 'pptx', 'pps', 'ppsx', 'dps', 'doc', 'docx', 'wps', 'rtf', 'odp', 'odt', 'fodp', 'fodt'];

/** Bump when the conversion changes in a way that should redo cached PDFs. */
const OFFICE_PIPELINE_VERSION = 1;

export function isOfficeFile(name: string): boolean {
  return OFFICE_EXTENSIONS.includes(extname(name).slice(1).toLowerCase());
}

export function officeCacheKey(inputSha256: string): string {
  return createHash('sha256').update(`teachpoint-office-pdf|v${OFFICE_PIPELINE_VERSION}|${inputSha256}`).digest('hex');
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (process.platform !== 'win32') accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Where LibreOffice is: env `SOFFICE_PATH` → `soffice`/`libreoffice` on PATH → the default install
 * folders on Windows and macOS. Null when none is found.
 */
export function resolveSoffice(env: NodeJS.ProcessEnv = process.env): string | null {
  const fromEnv = env['SOFFICE_PATH'];
  if (fromEnv) return isExecutableFile(fromEnv) ? fromEnv : null;
  const win = process.platform === 'win32';
  const names = win ? ['soffice.exe', 'soffice.com'] : ['soffice', 'libreoffice'];
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const n of names) if (isExecutableFile(join(dir, n))) return join(dir, n);
  }
  const fixed = win
    ? [env['ProgramFiles'], env['ProgramFiles(x86)'], 'C:\\Program Files', 'C:\\Program Files (x86)'].filter((d): d is string => !!d).map((d) => join(d, 'LibreOffice', 'program', 'soffice.exe'))
    : ['/Applications/LibreOffice.app/Contents/MacOS/soffice', '/opt/libreoffice/program/soffice', '/usr/lib/libreoffice/program/soffice'];
  return fixed.find(isExecutableFile) ?? null;
}

/** The error when an office file needs converting and LibreOffice is not installed: says how to install it. */
export function officeMissingError(file: string, sofficePathEnv?: string): TeachPointError {
  if (sofficePathEnv) {
    return new TeachPointError(
      'media.office-missing',
      {
        zh: `环境变量 SOFFICE_PATH 指向的 LibreOffice 不存在：${sofficePathEnv}。请改正该路径，或删除这个环境变量。`,
        en: `SOFFICE_PATH points to a LibreOffice that does not exist: ${sofficePathEnv}. Fix the path, or unset the variable.`,
      },
      { file, path: sofficePathEnv },
    );
  }
  return new TeachPointError(
    'media.office-missing',
    {
      zh:
        'PPT/Word/WPS 文件需要 LibreOffice 转换为 PDF，但本机没有安装 LibreOffice。' +
        'Linux（统信 UOS/麒麟/Debian）：sudo apt-get install libreoffice-impress-nogui libreoffice-writer-nogui fonts-noto-cjk；' +
        'Windows：从 https://zh-cn.libreoffice.org 下载安装 LibreOffice。也可以设置环境变量 SOFFICE_PATH 指向 soffice，或先把文件另存为 PDF。',
      en:
        'PPT/Word/WPS files are converted to PDF with LibreOffice, which is not installed. ' +
        'Linux (UOS/Kylin/Debian): sudo apt-get install libreoffice-impress-nogui libreoffice-writer-nogui fonts-noto-cjk; ' +
        'Windows: install LibreOffice from https://www.libreoffice.org. Or set SOFFICE_PATH to soffice, or save the file as PDF first.',
    },
    { file },
  );
}

export interface OfficeInput {
  /** Absolute path of the document. */
  abs: string;
  /** sha256 of its bytes (cache key). */
  sha256: string;
}

export type OfficeOutcome = { ok: true; pdf: string; fromCache: boolean } | { ok: false; error: TeachPointError };

export interface OfficeOptions {
  cache: TranscodeCache | null;
  /** Scratch folder (converted files stay here when there is no cache; the caller removes it). */
  workDir: string;
  /** Overrides resolveSoffice() (tests). */
  soffice?: string | null;
  /** Kill the conversion after this long (default 2 minutes plus 1 minute per file). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called when the soffice process starts (with how many files it converts) — tests count processes. */
  onConvert?: (files: number) => void;
}

const SC_SANS = ['Noto Sans CJK SC', 'Source Han Sans SC', 'Source Han Sans CN', 'WenQuanYi Micro Hei', 'WenQuanYi Zen Hei', 'Droid Sans Fallback'];
const SC_SERIF = ['Noto Serif CJK SC', 'Source Han Serif SC', 'Source Han Serif CN', 'AR PL UMing CN', ...SC_SANS];
/** Windows/WPS font names found in county documents → the generic family whose SC faces stand in for them. */
const CHINESE_FONT_NAMES: Array<[string, 'sans-serif' | 'serif']> = [
  ['宋体', 'serif'],
  ['SimSun', 'serif'],
  ['新宋体', 'serif'],
  ['NSimSun', 'serif'],
  ['仿宋', 'serif'],
  ['FangSong', 'serif'],
  ['仿宋_GB2312', 'serif'],
  ['楷体', 'serif'],
  ['KaiTi', 'serif'],
  ['楷体_GB2312', 'serif'],
  ['华文宋体', 'serif'],
  ['STSong', 'serif'],
  ['黑体', 'sans-serif'],
  ['SimHei', 'sans-serif'],
  ['微软雅黑', 'sans-serif'],
  ['Microsoft YaHei', 'sans-serif'],
  ['等线', 'sans-serif'],
  ['DengXian', 'sans-serif'],
  ['幼圆', 'sans-serif'],
  ['YouYuan', 'sans-serif'],
  ['华文细黑', 'sans-serif'],
  ['STXihei', 'sans-serif'],
];

const xmlEscape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A fontconfig file: the system configuration plus Simplified-Chinese preferences (see the file comment). */
export function fontconfigForChinese(systemConf = '/etc/fonts/fonts.conf'): string {
  const prefer = (faces: string[]) => `<prefer>${faces.map((f) => `<family>${xmlEscape(f)}</family>`).join('')}</prefer>`;
  const aliases = CHINESE_FONT_NAMES.map(([name, generic]) => `  <alias binding="same"><family>${xmlEscape(name)}</family>${prefer(generic === 'serif' ? SC_SERIF : SC_SANS)}</alias>`);
  return [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    '<fontconfig>',
    `  <include ignore_missing="yes">${xmlEscape(systemConf)}</include>`,
    ...aliases,
    `  <alias><family>sans-serif</family>${prefer(SC_SANS)}</alias>`,
    `  <alias><family>serif</family>${prefer(SC_SERIF)}</alias>`,
    '</fontconfig>',
    '',
  ].join('\n');
}

async function looksLikePdf(path: string): Promise<boolean> {
  let fh: fsp.FileHandle | null = null;
  try {
    fh = await fsp.open(path, 'r');
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(5);
    await fh.read(head, 0, 5, 0);
    const tail = Buffer.alloc(Math.min(1024, size));
    await fh.read(tail, 0, tail.length, size - tail.length);
    return head.toString('latin1') === '%PDF-' && tail.includes('%%EOF');
  } catch {
    return false;
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

interface CachedOfficeMeta {
  kind: 'office-pdf';
  source: string;
}

/**
 * Convert documents to PDF: cache hits are answered from the cache; every miss is converted by
 * one soffice process. Each input gets its own outcome (a damaged document fails alone).
 */
export async function convertOfficeToPdf(inputs: readonly OfficeInput[], options: OfficeOptions): Promise<OfficeOutcome[]> {
  const outcomes: Array<OfficeOutcome | null> = inputs.map(() => null);
  const misses: number[] = [];
  for (const [i, input] of inputs.entries()) {
    const hit = options.cache ? await options.cache.get<CachedOfficeMeta>(officeCacheKey(input.sha256)) : null;
    if (hit && (await looksLikePdf(hit.path('out.pdf')))) outcomes[i] = { ok: true, pdf: hit.path('out.pdf'), fromCache: true };
    else misses.push(i);
  }
  if (misses.length === 0) return outcomes as OfficeOutcome[];

  const soffice = options.soffice !== undefined ? options.soffice : resolveSoffice();
  if (!soffice) {
    for (const i of misses) outcomes[i] = { ok: false, error: officeMissingError(inputs[i]!.abs, process.env['SOFFICE_PATH']) };
    return outcomes as OfficeOutcome[];
  }

  const dir = join(options.workDir, `office-${randomBytes(6).toString('hex')}`);
  const inDir = join(dir, 'in');
  const outDir = join(dir, 'out');
  await fsp.mkdir(inDir, { recursive: true });
  await fsp.mkdir(outDir, { recursive: true });
  try {
    // Staged as <n>.<ext>: two lessons' 课件.pptx must not both become 课件.pdf in one output folder.
    const staged: string[] = [];
    for (const [n, i] of misses.entries()) {
      const input = inputs[i]!;
      const name = `${n}${extname(input.abs).toLowerCase()}`;
      const to = join(inDir, name);
      try {
        await fsp.symlink(input.abs, to);
      } catch {
        await fsp.copyFile(input.abs, to);
      }
      staged.push(to);
    }
    const env: NodeJS.ProcessEnv = { ...process.env, SAL_USE_VCLPLUGIN: 'svp' };
    if (process.platform === 'linux' && existsSync('/etc/fonts/fonts.conf')) {
      const conf = join(dir, 'fonts.conf');
      await fsp.writeFile(conf, fontconfigForChinese());
      env['FONTCONFIG_FILE'] = conf;
    }
    const profile = pathToFileURL(join(dir, 'profile')).href;
    const args = ['--headless', '--invisible', '--norestore', '--nologo', '--nodefault', '--nolockcheck', '--nofirststartwizard', `-env:UserInstallation=${profile}`, '--convert-to', 'pdf', '--outdir', outDir, ...staged];
    const timeout = new AbortController();
    const timeoutMs = options.timeoutMs ?? 120_000 + 60_000 * staged.length;
    const timer = setTimeout(() => timeout.abort(), timeoutMs);
    const onOuterAbort = (): void => timeout.abort();
    options.signal?.addEventListener('abort', onOuterAbort, { once: true });
    options.onConvert?.(staged.length);
    let detail = '';
    try {
      const r = await run(soffice, args, { signal: timeout.signal, env });
      detail = stderrTail(`${r.stderr}\n${r.stdout}`);
    } catch (err) {
      if (options.signal?.aborted) throw err;
      detail = (err as Error).name === 'AbortError' ? `LibreOffice did not finish within ${Math.round(timeoutMs / 1000)} s` : (err as Error).message;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onOuterAbort);
    }
    for (const [n, i] of misses.entries()) {
      const input = inputs[i]!;
      const produced = join(outDir, `${n}.pdf`);
      if (!(await looksLikePdf(produced))) {
        outcomes[i] = {
          ok: false,
          error: new TeachPointError(
            'media.office-convert-failed',
            {
              zh: `LibreOffice 无法把该文件转换为 PDF（文件可能已损坏或有密码保护）。请用 Office/WPS 打开检查，或另存为 PDF 后再放入文件夹。${detail ? `（${detail}）` : ''}`,
              en: `LibreOffice could not convert this file to PDF (it may be damaged or password-protected). Open it in Office/WPS to check, or save it as PDF and put that in the folder instead.${detail ? ` (${detail})` : ''}`,
            },
            { file: input.abs },
          ),
        };
        continue;
      }
      if (options.cache) {
        const entry = await options.cache.put<CachedOfficeMeta>(officeCacheKey(input.sha256), { kind: 'office-pdf', source: extname(input.abs).slice(1).toLowerCase() }, [{ name: 'out.pdf', from: produced }], { move: true });
        outcomes[i] = { ok: true, pdf: entry.path('out.pdf'), fromCache: false };
      } else {
        const kept = join(options.workDir, `office-${input.sha256.slice(0, 16)}-${n}.pdf`);
        await fsp.rename(produced, kept);
        outcomes[i] = { ok: true, pdf: kept, fromCache: false };
      }
    }
  } finally {
    await fsp.rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
  return outcomes as OfficeOutcome[];
}
