/**
 * Scanning a source folder (docs/pack-format.md "Source folder convention (tpk build)"):
 *
 *   <src>/pack.yaml                                   optional: id, version, titles, license, levels, lessons, overrides
 *   <src>/小学/数学/人教版/一年级/上册/第一单元 准备课/1 数一数/   folder depth = 学段/学科/版本/年级/册/单元/课
 *        01 数一数.mp4  01 数一数.vtt  练习.csv  挂图.png  学习单.pdf  课件.zip …   files in a lesson = resources
 *   <src>/_素材/…                                     folders starting with "_" or "." are not part of the tree
 *
 * The result is a plan (nodes, resources, exercise drafts) plus every problem found; nothing here
 * runs ffmpeg — media is probed/transcoded by build.ts.
 */
import { createHash } from 'node:crypto';
import type { Dirent } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, extname, join, posix, relative, sep } from 'node:path';
import { LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { formatZodPath } from '../../common/errors/zod-issues';
import { LESSON_LEVELS, LangTag, PackId, type LessonLevel, type LocalizedTitle, type MasteryRule } from '../format/manifest';
import { isOfficeFile } from '../media/office';
import { decodeText } from '../media/text';
import { checkCoursewareZip } from './courseware';
import { type DraftExerciseSet, parseExerciseCsv, parseExerciseYaml, parseMastery } from './exercises';
import { type BuildProblem, buildProblem } from './problems';

export type SourceMediaKind = 'video' | 'audio' | 'image';
export type SourceKind = SourceMediaKind | 'pdf' | 'html5' | 'exercise-set';

export const EXTENSIONS: Record<Exclude<SourceKind, 'exercise-set'>, readonly string[]> = {
  video: ['mp4', 'm4v', 'mov', 'avi', 'wmv', 'asf', 'flv', 'f4v', 'rmvb', 'rm', 'mkv', 'webm', 'mpg', 'mpeg', 'vob', 'ts', 'm2ts', 'mts', '3gp', 'ogv'],
  audio: ['mp3', 'm4a', 'aac', 'wav', 'wma', 'ogg', 'oga', 'opus', 'flac', 'amr', 'ape'],
  image: ['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp', 'tif', 'tiff'],
  pdf: ['pdf'],
  // a zip with index.html, or one self-contained HTML document (single-file courseware)
  html5: ['zip', 'html', 'htm'],
};

/** Whether an html5 source file is single-file courseware (one .html/.htm document) rather than a zip. */
export function isSingleHtmlCourseware(file: string): boolean {
  return /\.html?$/i.test(file);
}
const SUBTITLE_EXT = ['vtt', 'srt'];
const KIND_BY_EXT = new Map<string, Exclude<SourceKind, 'exercise-set'>>();
for (const [kind, exts] of Object.entries(EXTENSIONS) as [Exclude<SourceKind, 'exercise-set'>, readonly string[]][]) for (const e of exts) KIND_BY_EXT.set(e, kind);

/** Files we cannot show offline, with what to do instead (PPT/Word/WPS/ODF are converted to PDF: media/office.ts). */
const UNSUPPORTED_HINTS: Record<string, { zh: string; en: string }> = {
  xls: { zh: '练习表请另存为 CSV（逗号分隔）', en: 'save exercise sheets as CSV' },
  xlsx: { zh: '练习表请另存为 CSV（逗号分隔）', en: 'save exercise sheets as CSV' },
  swf: { zh: 'Flash 已无法播放，请改用视频或 HTML5 课件', en: 'Flash cannot play any more; use a video or HTML5 courseware' },
};
const IGNORED_FILES = /^(thumbs\.db|desktop\.ini|\.ds_store|readme(\.[a-z]+)?|说明\.txt|pack\.ya?ml)$/i;
const isIgnoredName = (name: string): boolean => name.startsWith('.') || name.startsWith('~$') || name.startsWith('_') || /\.(tmp|bak|partial)$/i.test(name) || IGNORED_FILES.test(name);

export interface SourceSubtitle {
  file: string;
  abs: string;
  lang: string;
  label?: string;
}

export interface SourceResource {
  id: string;
  kind: SourceKind;
  title: LocalizedTitle;
  description?: LocalizedTitle;
  license?: string;
  /** Source file (relative to the source folder, "/" separators) and absolute path. */
  file: string;
  abs: string;
  subtitles: SourceSubtitle[];
  /** html5 only: start page inside the zip. */
  entry?: string;
  /** pdf only: the source is an office document that `tpk build` converts to PDF (LibreOffice). */
  convert?: 'office';
  /** exercise-set only */
  exercises?: DraftExerciseSet & { id: string };
}

export interface SourceNode {
  id: string;
  level: LessonLevel;
  title: LocalizedTitle;
  /** Relative folder path (or the pack.yaml lesson path) — for messages. */
  path: string;
  children?: SourceNode[];
  resources?: SourceResource[];
}

export interface SourcePlan {
  id: string;
  version: number;
  title: LocalizedTitle;
  description?: LocalizedTitle;
  license?: string;
  profile?: '480p' | '720p';
  mastery?: MasteryRule;
  tree: SourceNode[];
  /** Every resource, in tree order. */
  resources: SourceResource[];
}

export interface ScanResult {
  plan: SourcePlan;
  problems: BuildProblem[];
}

// ---------------------------------------------------------------------------------------------
// pack.yaml

const Title = z.union([z.string().min(1), z.object({ 'zh-CN': z.string().min(1) }).catchall(z.string().min(1))]);
const SubtitleSpec = z.object({ file: z.string().min(1), lang: LangTag.default('zh-CN'), label: z.string().optional() }).strict();
const ResourceSpec = z.union([
  z.object({ file: z.string().min(1), title: Title.optional(), kind: z.enum(['video', 'audio', 'image', 'pdf', 'html5']).optional(), subtitles: z.array(SubtitleSpec).optional(), license: z.string().optional(), id: z.string().optional(), description: Title.optional() }).strict(),
  z.object({ exercises: z.string().min(1), title: Title.optional(), id: z.string().optional(), license: z.string().optional() }).strict(),
]);
const Override = z.object({ id: z.string().optional(), title: Title.optional(), description: Title.optional(), license: z.string().optional() }).strict();
export const PackYaml = z
  .object({
    id: PackId.optional(),
    version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER).optional(),
    title: Title.optional(),
    description: Title.optional(),
    license: z.string().min(1).optional(),
    profile: z.enum(['480p', '720p']).optional(),
    mastery: z.unknown().optional(),
    levels: z.array(z.enum(LESSON_LEVELS)).min(1).optional(),
    lessons: z
      .array(z.object({ path: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]), id: z.string().optional(), title: Title.optional(), resources: z.array(ResourceSpec).min(1) }).strict())
      .optional(),
    overrides: z.record(Override).optional(),
  })
  .strict();
export type PackYaml = z.infer<typeof PackYaml>;

function toTitle(t: string | Record<string, string> | undefined, fallback: string): LocalizedTitle {
  if (t === undefined) return { 'zh-CN': fallback };
  if (typeof t === 'string') return { 'zh-CN': t };
  return t as LocalizedTitle;
}

function yamlLine(doc: Document, lc: LineCounter, path: readonly (string | number)[]): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as { range?: [number, number, number] } | undefined;
    if (node && typeof node === 'object' && node.range) return lc.linePos(node.range[0]).line;
  }
  return undefined;
}

async function readPackYaml(src: string, problems: BuildProblem[]): Promise<{ spec: PackYaml; line: (path: (string | number)[]) => number | undefined } | null> {
  const file = join(src, 'pack.yaml');
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    try {
      bytes = await readFile(join(src, 'pack.yml'));
    } catch {
      return null;
    }
  }
  const lc = new LineCounter();
  const doc = parseDocument(decodeText(bytes).text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    for (const e of doc.errors) {
      const pos = e.linePos?.[0];
      problems.push(buildProblem('build.yaml-syntax', { zh: `pack.yaml 格式错误：${e.message}`, en: `pack.yaml syntax error: ${e.message}` }, { file: 'pack.yaml', ...(pos ? { row: pos.line, column: pos.col } : {}) }));
    }
    return null;
  }
  const parsed = PackYaml.safeParse(doc.toJS() ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const where = formatZodPath(issue.path);
      const row = yamlLine(doc, lc, issue.path);
      problems.push(
        buildProblem('build.bad-pack-yaml', { zh: `pack.yaml 中 ${where || '(根)'} 无效：${issue.message}`, en: `pack.yaml ${where || '(root)'} is invalid: ${issue.message}` }, { file: 'pack.yaml', ...(row ? { row } : {}), field: where }),
      );
    }
    return null;
  }
  return { spec: parsed.data, line: (path) => yamlLine(doc, lc, path) };
}

// ---------------------------------------------------------------------------------------------

const collator = new Intl.Collator('zh-CN', { numeric: true, sensitivity: 'base' });
const toPosix = (p: string): string => p.split(sep).join('/');

/** "01 数一数.mp4" → "数一数"; "1-2_认识图形.pdf" → "认识图形". Lesson/unit folders keep their full names. */
export function titleFromFileName(name: string): string {
  let stem = name.slice(0, name.length - extname(name).length).replace(/\.exercises$/i, '');
  const stripped = stem.replace(/^\d+(?:[-.]\d+)*[\s._、-]+/, '');
  if (stripped.trim()) stem = stripped;
  return stem.trim() || name;
}

/** Stable id from the pack id and a path: `<prefix>-<16 hex>`; survives rebuilds, differs across packs. */
export function stableId(prefix: string, packId: string, path: string): string {
  return `${prefix}-${createHash('sha256').update(`${packId}\n${path}`).digest('hex').slice(0, 16)}`;
}

function extOf(name: string): string {
  return extname(name).slice(1).toLowerCase();
}

function isExerciseFile(name: string): boolean {
  return /\.exercises\.ya?ml$/i.test(name) || extOf(name) === 'csv';
}

/** Default version when pack.yaml has none: UTC yyyymmddHHMM — increases with every build. */
export function timestampVersion(now: Date): number {
  const p = (n: number) => String(n).padStart(2, '0');
  return Number(`${now.getUTCFullYear()}${p(now.getUTCMonth() + 1)}${p(now.getUTCDate())}${p(now.getUTCHours())}${p(now.getUTCMinutes())}`);
}

export interface ScanOptions {
  now?: Date;
}

/**
 * A folder's entries, minus names that are not valid UTF-8 (on Linux, a FAT/exFAT stick mounted
 * without `iocharset=utf8` shows GBK names as bytes; Node turns them into U+FFFD and the file can
 * no longer be opened by that name). Each such name is reported with its raw bytes and its GBK
 * reading, so the author knows which file to rename.
 */
async function readableEntries(dirAbs: string, dirRel: string, problems: BuildProblem[]): Promise<Dirent[]> {
  const entries = await readdir(dirAbs, { withFileTypes: true });
  if (!entries.some((e) => e.name.includes('\uFFFD'))) return entries;
  const raw = await readdir(dirAbs, { encoding: 'buffer' });
  for (const bytes of raw) {
    let valid = true;
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      valid = false;
    }
    if (valid) continue;
    let gbk = '';
    try {
      gbk = new TextDecoder('gbk', { fatal: true }).decode(bytes);
    } catch {
      gbk = '';
    }
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    problems.push(
      buildProblem(
        'build.bad-file-name',
        {
          zh: `文件名不是 UTF-8 编码${gbk ? `（按 GBK 读作“${gbk}”）` : ''}，无法打开（原始字节：${hex}）。U盘可能挂载时没有指定字符集：请在 Windows 上复制该文件夹，或挂载时加 iocharset=utf8，或把这个文件改名后重试`,
          en: `A file name is not UTF-8${gbk ? ` (as GBK it reads "${gbk}")` : ''} and cannot be opened (raw bytes: ${hex}). The stick was probably mounted without a charset: copy the folder on Windows, mount with iocharset=utf8, or rename the file, then retry`,
        },
        { file: dirRel || '.' },
        { rawName: hex, ...(gbk ? { gbk } : {}) },
      ),
    );
  }
  return entries.filter((e) => !e.name.includes('\uFFFD'));
}

export async function scanSource(srcDir: string, options: ScanOptions = {}): Promise<ScanResult> {
  const problems: BuildProblem[] = [];
  const now = options.now ?? new Date();
  let rootStat;
  try {
    rootStat = await stat(srcDir);
  } catch {
    rootStat = null;
  }
  const emptyPlan: SourcePlan = { id: 'invalid', version: 1, title: { 'zh-CN': basename(srcDir) || '资源包' }, tree: [], resources: [] };
  if (!rootStat?.isDirectory()) {
    problems.push(buildProblem('build.missing-file', { zh: `源文件夹不存在：${srcDir}`, en: `Source folder does not exist: ${srcDir}` }, { file: srcDir }));
    return { plan: emptyPlan, problems };
  }
  const yaml = await readPackYaml(srcDir, problems);
  const spec: PackYaml = yaml?.spec ?? {};
  const folderName = basename(srcDir.replace(/[\\/]+$/, ''));
  const packId = spec.id ?? `local.${createHash('sha256').update(folderName).digest('hex').slice(0, 12)}`;
  const levels: LessonLevel[] = spec.levels ?? [...LESSON_LEVELS];
  if (spec.levels) {
    const ordered = spec.levels.every((l, i) => i === 0 || LESSON_LEVELS.indexOf(l) > LESSON_LEVELS.indexOf(spec.levels![i - 1]!));
    if (!ordered || spec.levels[spec.levels.length - 1] !== 'lesson') {
      problems.push(
        buildProblem(
          'build.bad-pack-yaml',
          { zh: 'pack.yaml 的 levels 必须按 学段/学科/版本/年级/册/单元/课 的顺序排列，并以 lesson（课）结束', en: 'pack.yaml levels must follow stage/subject/edition/grade/volume/unit/lesson order and end with lesson' },
          { file: 'pack.yaml', ...(yaml?.line(['levels']) ? { row: yaml.line(['levels'])! } : {}), field: 'levels' },
        ),
      );
    }
  }
  const overrides = spec.overrides ?? {};
  const usedOverrides = new Set<string>();
  const override = (rel: string) => {
    const o = overrides[rel];
    if (o) usedOverrides.add(rel);
    return o;
  };
  const plan: SourcePlan = {
    id: packId,
    version: spec.version ?? timestampVersion(now),
    title: toTitle(spec.title, folderName || '资源包'),
    tree: [],
    resources: [],
  };
  if (spec.description) plan.description = toTitle(spec.description, '');
  if (spec.license) plan.license = spec.license;
  if (spec.profile) plan.profile = spec.profile;
  if (spec.mastery !== undefined) {
    const m = parseMastery(spec.mastery, 'pack.yaml', yaml?.line(['mastery']), problems);
    if (m) plan.mastery = m;
  }

  /** Where an id was first defined, for duplicate reports. */
  const nodeIds = new Map<string, string>();
  const resourceIds = new Map<string, string>();
  const claimId = (map: Map<string, string>, id: string, where: string, file: string, row?: number): boolean => {
    const first = map.get(id);
    if (first !== undefined) {
      problems.push(
        buildProblem(
          'build.duplicate-id',
          { zh: `id“${id}”重复：${where} 与 ${first} 使用了同一个 id。每个课和资源的 id 必须唯一`, en: `Duplicate id "${id}": ${where} and ${first} use the same id. Every lesson and resource id must be unique` },
          { file, ...(row ? { row } : {}) },
          { id, first, second: where },
        ),
      );
      return false;
    }
    map.set(id, where);
    return true;
  };
  const validId = (id: string, file: string, row?: number): boolean => {
    if (/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/.test(id)) return true;
    problems.push(buildProblem('build.bad-pack-yaml', { zh: `id“${id}”无效：只能用字母、数字、“.”“-”“_”“:”`, en: `id "${id}" is invalid: use letters, digits, ".", "-", "_", ":"` }, { file, ...(row ? { row } : {}) }));
    return false;
  };

  // ---- resources of one lesson folder
  const exerciseResource = async (abs: string, rel: string, titleOverride?: LocalizedTitle, explicitId?: string, license?: string): Promise<SourceResource | null> => {
    let bytes: Buffer;
    try {
      bytes = await readFile(abs);
    } catch {
      problems.push(buildProblem('build.missing-file', { zh: `找不到练习文件：${rel}`, en: `Exercise file not found: ${rel}` }, { file: rel }));
      return null;
    }
    const draft = /\.ya?ml$/i.test(rel) ? parseExerciseYaml(decodeText(bytes).text, rel, problems) : parseExerciseCsv(bytes, rel, problems);
    const title = titleOverride ?? (draft.title ? { 'zh-CN': draft.title } : { 'zh-CN': titleFromFileName(basename(rel)) });
    const id = explicitId ?? stableId('r', packId, rel);
    const r: SourceResource = { id, kind: 'exercise-set', title, file: rel, abs, subtitles: [], exercises: { ...draft, id: stableId('x', packId, rel) } };
    if (license) r.license = license;
    return r;
  };

  const lessonFolderResources = async (dirAbs: string, dirRel: string): Promise<SourceResource[]> => {
    const entries = (await readableEntries(dirAbs, dirRel, problems)).sort((a, b) => collator.compare(a.name, b.name));
    const files = entries.filter((e) => e.isFile() && !isIgnoredName(e.name)).map((e) => e.name);
    for (const d of entries.filter((e) => e.isDirectory() && !isIgnoredName(e.name))) {
      problems.push(
        buildProblem(
          'build.misplaced-file',
          { zh: `“课”文件夹里不能再有子文件夹：${d.name}。HTML5 课件请压缩成 .zip（含 index.html）放在课文件夹中`, en: `A lesson folder cannot contain sub-folders: ${d.name}. Zip HTML5 courseware (with index.html) and put the .zip in the lesson folder` },
          { file: `${dirRel}/${d.name}` },
        ),
      );
    }
    const stems = new Map<string, string>(); // stem(lowercase) → media file name (video/audio)
    for (const f of files) {
      const kind = KIND_BY_EXT.get(extOf(f));
      if (kind === 'video' || kind === 'audio') stems.set(f.slice(0, f.length - extname(f).length).toLowerCase(), f);
    }
    const subtitlesOf = new Map<string, SourceSubtitle[]>();
    const out: SourceResource[] = [];
    for (const f of files) {
      const ext = extOf(f);
      const rel = `${dirRel}/${f}`;
      const abs = join(dirAbs, f);
      if (SUBTITLE_EXT.includes(ext)) {
        const stem = f.slice(0, f.length - ext.length - 1);
        const langMatch = /^(.*)\.([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)$/.exec(stem);
        let media = stems.get(stem.toLowerCase());
        let lang = 'zh-CN';
        if (!media && langMatch) {
          media = stems.get(langMatch[1]!.toLowerCase());
          if (media) lang = langMatch[2]!;
        }
        if (!media) {
          problems.push(
            buildProblem('build.orphan-subtitle', { zh: `字幕文件没有对应的视频：${f}。字幕应与视频同名，如“数一数.mp4”配“数一数.vtt”`, en: `Subtitle has no matching video: ${f}. Name it like the video, e.g. lesson.mp4 + lesson.vtt` }, { file: rel }),
          );
          continue;
        }
        const list = subtitlesOf.get(media) ?? [];
        list.push({ file: rel, abs, lang, ...(lang === 'zh-CN' ? { label: '中文' } : lang.startsWith('en') ? { label: 'English' } : {}) });
        subtitlesOf.set(media, list);
        continue;
      }
      if (isExerciseFile(f)) {
        const o = override(rel);
        if (o?.id && !validId(o.id, 'pack.yaml', yaml?.line(['overrides', rel, 'id']))) continue;
        const r = await exerciseResource(abs, rel, o?.title ? toTitle(o.title, '') : undefined, o?.id, o?.license ?? spec.license);
        if (r) out.push(r);
        continue;
      }
      const kind = KIND_BY_EXT.get(ext) ?? (isOfficeFile(f) ? 'pdf' : undefined);
      if (!kind) {
        const hint = UNSUPPORTED_HINTS[ext] ?? { zh: '支持的格式：视频、音频、图片、PDF、PPT/Word/WPS 文档（转为 PDF）、HTML5 课件（zip 或单个 html）、练习（csv/yaml）、字幕（vtt/srt）', en: 'supported: video, audio, images, PDF, PPT/Word/WPS documents (converted to PDF), HTML5 courseware (zip or one .html file), exercises (csv/yaml), subtitles (vtt/srt)' };
        problems.push(buildProblem('build.unsupported-file', { zh: `不支持的文件类型“.${ext}”：${f}。${hint.zh}`, en: `Unsupported file type ".${ext}": ${f}; ${hint.en}` }, { file: rel }));
        continue;
      }
      const o = override(rel);
      const id = o?.id ?? stableId('r', packId, rel);
      if (o?.id && !validId(o.id, 'pack.yaml', yaml?.line(['overrides', rel, 'id']))) continue;
      const r: SourceResource = { id, kind, title: o?.title ? toTitle(o.title, '') : { 'zh-CN': titleFromFileName(f) }, file: rel, abs, subtitles: [] };
      if (kind === 'pdf' && isOfficeFile(f)) r.convert = 'office';
      if (o?.description) r.description = toTitle(o.description, '');
      const license = o?.license ?? spec.license;
      if (license) r.license = license;
      out.push(r);
    }
    for (const r of out) {
      const subs = subtitlesOf.get(basename(r.file));
      if (subs) r.subtitles = subs;
    }
    return out;
  };

  // ---- folder tree
  const walk = async (dirAbs: string, dirRel: string, depth: number, titles: string[]): Promise<SourceNode[]> => {
    const entries = (await readableEntries(dirAbs, dirRel, problems)).sort((a, b) => collator.compare(a.name, b.name));
    const nodes: SourceNode[] = [];
    for (const e of entries) {
      if (isIgnoredName(e.name)) continue;
      const rel = dirRel ? `${dirRel}/${e.name}` : e.name;
      if (e.isFile()) {
        problems.push(
          buildProblem(
            'build.misplaced-file',
            {
              zh: `文件放错了层级：${rel}。资源文件要放在第 ${levels.length} 层的“课”文件夹里（${levels.map((l) => levelZh(l)).join('/')}）`,
              en: `File at the wrong depth: ${rel}. Resources go in lesson folders at depth ${levels.length} (${levels.join('/')})`,
            },
            { file: rel },
          ),
        );
        continue;
      }
      if (!e.isDirectory()) continue;
      const level = levels[depth]!;
      const o = override(rel);
      const path = [...titles, e.name];
      const id = o?.id ?? stableId(level === 'lesson' ? 'l' : 'n', packId, path.join('/'));
      if (o?.id && !validId(o.id, 'pack.yaml', yaml?.line(['overrides', rel, 'id']))) continue;
      const node: SourceNode = { id, level, title: o?.title ? toTitle(o.title, e.name) : { 'zh-CN': e.name.trim() }, path: rel };
      claimId(nodeIds, id, rel, o?.id ? 'pack.yaml' : rel, o?.id ? yaml?.line(['overrides', rel, 'id']) : undefined);
      if (depth === levels.length - 1) {
        node.resources = await lessonFolderResources(join(dirAbs, e.name), rel);
      } else {
        node.children = await walk(join(dirAbs, e.name), rel, depth + 1, path);
      }
      nodes.push(node);
    }
    return nodes;
  };
  plan.tree = await walk(srcDir, '', 0, []);

  // ---- explicit lessons from pack.yaml
  for (const [li, lesson] of (spec.lessons ?? []).entries()) {
    const segs = Array.isArray(lesson.path) ? lesson.path : lesson.path.split('/').map((s) => s.trim()).filter(Boolean);
    const row = yaml?.line(['lessons', li, 'path']);
    if (segs.length !== levels.length) {
      problems.push(
        buildProblem(
          'build.bad-pack-yaml',
          { zh: `lessons[${li}].path 应有 ${levels.length} 级（${levels.map(levelZh).join('/')}），实际为 ${segs.length} 级`, en: `lessons[${li}].path needs ${levels.length} parts (${levels.join('/')}), got ${segs.length}` },
          { file: 'pack.yaml', ...(row ? { row } : {}), field: `lessons[${li}].path` },
        ),
      );
      continue;
    }
    let list = plan.tree;
    let node: SourceNode | undefined;
    for (let d = 0; d < segs.length; d++) {
      const title = segs[d]!;
      node = list.find((n) => n.title['zh-CN'] === title || basename(n.path) === title);
      if (!node) {
        const level = levels[d]!;
        const isLesson = d === segs.length - 1;
        const id = isLesson && lesson.id ? lesson.id : stableId(isLesson ? 'l' : 'n', packId, segs.slice(0, d + 1).join('/'));
        if (isLesson && lesson.id && !validId(lesson.id, 'pack.yaml', yaml?.line(['lessons', li, 'id']))) break;
        node = { id, level, title: { 'zh-CN': title }, path: `pack.yaml lessons[${li}]` };
        claimId(nodeIds, id, isLesson ? `pack.yaml lessons[${li}]` : segs.slice(0, d + 1).join('/'), 'pack.yaml', yaml?.line(['lessons', li, isLesson && lesson.id ? 'id' : 'path']));
        if (isLesson) node.resources = [];
        else node.children = [];
        list.push(node);
      } else if (d === segs.length - 1 && lesson.id && lesson.id !== node.id) {
        nodeIds.delete(node.id);
        node.id = lesson.id;
        claimId(nodeIds, lesson.id, `pack.yaml lessons[${li}]`, 'pack.yaml', yaml?.line(['lessons', li, 'id']));
      }
      list = node.children ?? [];
    }
    if (!node) continue;
    if (lesson.title) node.title = toTitle(lesson.title, node.title['zh-CN']);
    for (const [ri, res] of lesson.resources.entries()) {
      const rrow = yaml?.line(['lessons', li, 'resources', ri]);
      if ('exercises' in res) {
        const rel = posix.normalize(res.exercises.replace(/\\/g, '/'));
        if (res.id && !validId(res.id, 'pack.yaml', rrow)) continue;
        const r = await exerciseResource(join(srcDir, rel), rel, res.title ? toTitle(res.title, '') : undefined, res.id ?? stableId('r', packId, `${node.id}/${rel}`), res.license ?? spec.license);
        if (r) node.resources!.push(r);
        continue;
      }
      const rel = posix.normalize(res.file.replace(/\\/g, '/'));
      const abs = join(srcDir, rel);
      const st = await stat(abs).catch(() => null);
      if (!st?.isFile() || rel.startsWith('../')) {
        problems.push(
          buildProblem('build.missing-file', { zh: `课“${segs[segs.length - 1]}”引用的文件不存在：${rel}`, en: `Lesson "${segs[segs.length - 1]}" references a file that does not exist: ${rel}` }, { file: 'pack.yaml', ...(rrow ? { row: rrow } : {}), field: `lessons[${li}].resources[${ri}].file` }),
        );
        continue;
      }
      const kind = res.kind ?? KIND_BY_EXT.get(extOf(rel)) ?? (isOfficeFile(rel) ? 'pdf' : undefined);
      if (!kind) {
        problems.push(buildProblem('build.unsupported-file', { zh: `不支持的文件类型：${rel}`, en: `Unsupported file type: ${rel}` }, { file: 'pack.yaml', ...(rrow ? { row: rrow } : {}) }));
        continue;
      }
      if (res.id && !validId(res.id, 'pack.yaml', rrow)) continue;
      const r: SourceResource = { id: res.id ?? stableId('r', packId, `${node.id}/${rel}`), kind, title: res.title ? toTitle(res.title, '') : { 'zh-CN': titleFromFileName(basename(rel)) }, file: rel, abs, subtitles: [] };
      if (kind === 'pdf' && isOfficeFile(rel)) r.convert = 'office';
      if (res.description) r.description = toTitle(res.description, '');
      const license = res.license ?? spec.license;
      if (license) r.license = license;
      for (const [si, s] of (res.subtitles ?? []).entries()) {
        const srel = posix.normalize(s.file.replace(/\\/g, '/'));
        const sst = await stat(join(srcDir, srel)).catch(() => null);
        if (!sst?.isFile()) {
          problems.push(buildProblem('build.missing-file', { zh: `字幕文件不存在：${srel}`, en: `Subtitle file does not exist: ${srel}` }, { file: 'pack.yaml', ...(yaml?.line(['lessons', li, 'resources', ri, 'subtitles', si]) ? { row: yaml.line(['lessons', li, 'resources', ri, 'subtitles', si])! } : {}) }));
          continue;
        }
        r.subtitles.push({ file: srel, abs: join(srcDir, srel), lang: s.lang, ...(s.label ? { label: s.label } : {}) });
      }
      node.resources!.push(r);
    }
  }

  for (const key of Object.keys(overrides)) {
    if (!usedOverrides.has(key)) {
      problems.push(
        buildProblem('build.missing-file', { zh: `pack.yaml 的 overrides 中的路径不存在：${key}`, en: `pack.yaml overrides a path that does not exist: ${key}` }, { file: 'pack.yaml', ...(yaml?.line(['overrides', key]) ? { row: yaml.line(['overrides', key])! } : {}) }),
      );
    }
  }

  // ---- prune empty nodes (report them), collect resources, check resource ids
  const prune = (nodes: SourceNode[]): SourceNode[] =>
    nodes.filter((n) => {
      if (n.level === 'lesson' || n.resources) {
        if (!n.resources || n.resources.length === 0) {
          const fromYaml = /^pack\.yaml (lessons\[\d+\])$/.exec(n.path);
          problems.push(
            buildProblem(
              'build.empty-lesson',
              { zh: `课“${n.title['zh-CN']}”里没有任何可用的资源文件`, en: `Lesson "${n.title['zh-CN']}" has no usable resource files` },
              fromYaml ? { file: 'pack.yaml', field: fromYaml[1]! } : { file: n.path },
            ),
          );
          return false;
        }
        for (const r of n.resources) {
          claimId(resourceIds, r.id, r.file, r.file);
          plan.resources.push(r);
        }
        return true;
      }
      n.children = prune(n.children ?? []);
      if (n.children.length === 0) {
        problems.push(buildProblem('build.empty-lesson', { zh: `文件夹“${n.path}”里没有任何课`, en: `Folder "${n.path}" contains no lessons` }, { file: n.path }));
        return false;
      }
      return true;
    });
  plan.tree = prune(plan.tree);
  if (plan.tree.length === 0 && !problems.some((p) => p.code === 'build.empty-lesson')) {
    problems.push(
      buildProblem(
        'build.empty-pack',
        {
          zh: `资源包是空的：${srcDir} 中没有找到任何课。请按 学段/学科/版本/年级/册/单元/课 建立文件夹，或在 pack.yaml 中列出 lessons`,
          en: `The pack is empty: no lessons found in ${srcDir}. Create folders stage/subject/edition/grade/volume/unit/lesson, or list lessons in pack.yaml`,
        },
        { file: '.' },
      ),
    );
  } else if (plan.tree.length === 0) {
    problems.push(buildProblem('build.empty-pack', { zh: '资源包是空的：没有任何包含资源的课', en: 'The pack is empty: no lesson has any resources' }, { file: '.' }));
  }

  // html5 courseware: find the start page now (cheap, no ffmpeg)
  for (const r of plan.resources) {
    if (r.kind !== 'html5') continue;
    if (isSingleHtmlCourseware(r.abs)) continue; // the document is its own start page (no entry)
    try {
      const check = await checkCoursewareZip(r.abs);
      if (!check.ok) problems.push(buildProblem('build.bad-courseware', { zh: `HTML5 课件无效：${check.reason!.zh}`, en: `Invalid HTML5 courseware: ${check.reason!.en}` }, { file: r.file }));
      else r.entry = check.entry!;
    } catch {
      problems.push(buildProblem('build.unreadable-file', { zh: '无法读取该文件', en: 'Cannot read this file' }, { file: r.file }));
    }
  }
  return { plan, problems };
}

function levelZh(l: LessonLevel): string {
  return { stage: '学段', subject: '学科', edition: '版本', grade: '年级', volume: '册', unit: '单元', lesson: '课' }[l];
}

/** Relative POSIX path of `abs` under `root`. */
export function relPath(root: string, abs: string): string {
  return toPosix(relative(root, abs));
}
