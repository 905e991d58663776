/**
 * manifest.json v1 (`format: 'teachpoint-pack/1'`) — the schema every pack is checked against,
 * in Node (tpk, importer) and in the browser (renderer). See docs/pack-format.md §3.
 *
 * Objects are strict: an unknown property is an error (a typo like `blobs` for `blob` must not
 * silently drop data). New fields mean a new format version.
 */
import { z } from 'zod';
import type { LocalizedText } from '../../common/errors/errors';
import { Certificate, IsoDateTime, KeyIdSchema } from './trust';
import { formatZodPath } from '../../common/errors/zod-issues';
import { type PackProblem, packProblem } from './problems';
import { SHA256_HEX } from '../../common/media/media';


export const PACK_FORMAT = 'teachpoint-pack/1';

// ---------------------------------------------------------------------------------------------
// Messages for our own rules, bilingual (zod only knows English).
const M = {
  sha256: { en: 'must be 64 lowercase hex digits (sha256)', zh: '必须是 64 位小写十六进制（sha256）' },
  packId: { en: 'must be a slug: lowercase letters, digits, ".", "-", "_", starting and ending with a letter or digit, at most 128 characters', zh: '必须是由小写字母、数字、“.”“-”“_”组成且以字母或数字开头和结尾的标识（最多 128 个字符）' },
  id: { en: 'must be 1–128 characters of letters, digits, ".", "-", "_", ":" starting with a letter or digit', zh: '必须是 1–128 个字母、数字、“.”“-”“_”“:”，且以字母或数字开头' },
  mime: { en: 'must be a MIME type like video/mp4', zh: '必须是 MIME 类型，如 video/mp4' },
  lang: { en: 'must be a BCP 47 language tag like zh-CN or en', zh: '必须是 BCP 47 语言标签，如 zh-CN 或 en' },
  nonBlank: { en: 'must not be empty or blank', zh: '不能为空' },
} as const;
const ZH_BY_EN = new Map<string, string>(Object.values(M).map((m) => [m.en, m.zh]));

export const Sha256Hex = z.string().regex(SHA256_HEX, M.sha256.en);
export const PackId = z.string().regex(/^[a-z0-9](?:[a-z0-9._-]{0,126}[a-z0-9])?$/, M.packId.en);
export const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/, M.id.en);
export const MimeType = z.string().regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*(?:\s*;.*)?$/i, M.mime.en);
export const LangTag = z.string().regex(/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/, M.lang.en);
const Text = z.string().refine((s) => s.trim().length > 0, M.nonBlank.en);

/** `{ 'zh-CN': required, <other BCP 47 tag>: optional }`. */
export const LocalizedTitle = z
  .object({ 'zh-CN': Text })
  .catchall(Text)
  .superRefine((v, ctx) => {
    for (const key of Object.keys(v)) {
      if (!/^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/.test(key)) ctx.addIssue({ code: z.ZodIssueCode.custom, path: [key], message: M.lang.en });
    }
  });
export type LocalizedTitle = z.infer<typeof LocalizedTitle>;

export const BlobRef = z
  .object({
    sha256: Sha256Hex,
    size: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
    mime: MimeType,
  })
  .strict();
export type BlobRef = z.infer<typeof BlobRef>;

const mimeStarting = (prefixes: readonly string[]) =>
  BlobRef.refine((b) => prefixes.some((p) => b.mime.toLowerCase().startsWith(p)), {
    message: `mime must start with ${prefixes.join(' or ')}`,
    path: ['mime'],
  });

// ---------------------------------------------------------------------------------------------
// Lesson tree 学段/学科/版本/年级/册/单元/课

export const LESSON_LEVELS = ['stage', 'subject', 'edition', 'grade', 'volume', 'unit', 'lesson'] as const;
export type LessonLevel = (typeof LESSON_LEVELS)[number];
export const LESSON_LEVEL_ZH: Record<LessonLevel, string> = {
  stage: '学段',
  subject: '学科',
  edition: '版本',
  grade: '年级',
  volume: '册',
  unit: '单元',
  lesson: '课',
};

export interface LessonNode {
  id: string;
  level: LessonLevel;
  title: LocalizedTitle;
  /** Non-lesson nodes: deeper nodes, in display order. */
  children?: LessonNode[];
  /** Lessons only: resource ids in display order. */
  resources?: string[];
}

// The node schema is built once: a `z.lazy` getter that constructs it would build a fresh
// object/array/effects schema for every node of every manifest (most of the validation time).
export const LessonNodeSchema: z.ZodType<LessonNode> = z.lazy(() => lessonNodeObject);
const lessonNodeObject: z.ZodType<LessonNode> =
  z
    .object({
      id: Id,
      level: z.enum(LESSON_LEVELS),
      title: LocalizedTitle,
      children: z.array(LessonNodeSchema).min(1).optional(),
      resources: z.array(Id).min(1).optional(),
    })
    .strict()
    .superRefine((n, ctx) => {
      if (n.level === 'lesson') {
        if (!n.resources) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['resources'], message: 'a lesson needs resources', params: { zh: '“课”必须列出资源（resources）' } });
        if (n.children) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['children'], message: 'a lesson cannot have children', params: { zh: '“课”不能再有下级节点' } });
      } else {
        if (!n.children) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['children'], message: `a ${n.level} node needs children`, params: { zh: `“${LESSON_LEVEL_ZH[n.level]}”节点必须有下级节点` } });
        if (n.resources) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['resources'], message: 'only lessons hold resources', params: { zh: '只有“课”可以直接包含资源' } });
      }
    });

// ---------------------------------------------------------------------------------------------
// Resources

export const MEDIA_KINDS = ['video', 'audio', 'pdf', 'image', 'html5'] as const;
export const RESOURCE_KINDS = [...MEDIA_KINDS, 'exercise-set'] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

const MEDIA_MIME: Record<(typeof MEDIA_KINDS)[number], readonly string[]> = {
  video: ['video/'],
  audio: ['audio/'],
  pdf: ['application/pdf'],
  image: ['image/'],
  html5: ['application/zip', 'text/html'],
};

export const Subtitle = z.object({ lang: LangTag, label: Text.optional(), blob: mimeStarting(['text/vtt']) }).strict();
export type Subtitle = z.infer<typeof Subtitle>;

export const License = z.string().min(1).max(500);

export const MediaResource = z
  .object({
    id: Id,
    kind: z.enum(MEDIA_KINDS),
    title: LocalizedTitle,
    description: LocalizedTitle.optional(),
    blob: BlobRef,
    durationSec: z.number().positive().finite().optional(),
    thumbnail: mimeStarting(['image/']).optional(),
    subtitles: z.array(Subtitle).optional(),
    /** html5 only: path of the start page inside the courseware zip (default index.html). */
    entry: z.string().min(1).optional(),
    license: License.optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const allowed = MEDIA_MIME[r.kind];
    if (!allowed.some((p) => r.blob.mime.toLowerCase().startsWith(p))) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['blob', 'mime'], message: `a ${r.kind} resource needs mime ${allowed.join(' or ')}`, params: { zh: `${r.kind} 资源的 mime 必须是 ${allowed.join(' 或 ')}` } });
    }
    if (r.entry !== undefined && r.kind !== 'html5') {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['entry'], message: 'entry is only for html5 resources', params: { zh: 'entry 只用于 html5 课件' } });
    }
  });
export type MediaResource = z.infer<typeof MediaResource>;

export const ExerciseSetResource = z
  .object({
    id: Id,
    kind: z.literal('exercise-set'),
    title: LocalizedTitle,
    description: LocalizedTitle.optional(),
    exerciseSetId: Id,
    thumbnail: mimeStarting(['image/']).optional(),
    license: License.optional(),
  })
  .strict();
export type ExerciseSetResource = z.infer<typeof ExerciseSetResource>;

// Media first: most resources are media, and a union stops at the first option that accepts the
// value (trying the exercise-set option first built and threw away several issues per resource).
// The reported problems do not depend on the order: a resource with a known kind fails the other
// option on its kind (aborted), so only the matching option's issues are reported either way.
export const Resource = z.union([MediaResource, ExerciseSetResource]);
export type Resource = z.infer<typeof Resource>;

// ---------------------------------------------------------------------------------------------
// Exercises, shaped after QTI 3 interactions

export const Choice = z.object({ id: Id, text: Text, image: mimeStarting(['image/']).optional() }).strict();
export type Choice = z.infer<typeof Choice>;

const itemBase = {
  id: Id,
  /** The question, in Chinese. */
  prompt: Text,
  pinyin: Text.optional(),
  hints: z.array(Text).default([]),
  explanation: Text.optional(),
  audioPrompt: mimeStarting(['audio/']).optional(),
  image: mimeStarting(['image/']).optional(),
};

export const TextEntryNormalize = z
  .object({
    /** 全角/半角: ＡＢＣ１２３ equals ABC123. */
    ignoreWidth: z.boolean().default(true),
    /** ABC equals abc. */
    ignoreCase: z.boolean().default(true),
    /** true: all whitespace ignored; false: trimmed and runs collapsed to one space. */
    ignoreWhitespace: z.boolean().default(true),
  })
  .strict();
export type TextEntryNormalize = z.infer<typeof TextEntryNormalize>;
/** The one set of normalisation defaults: what the schema fills in for an item that names none. */
export const DEFAULT_TEXT_NORMALIZE: TextEntryNormalize = Object.freeze(TextEntryNormalize.parse({}));

export const SingleChoiceItem = z.object({ ...itemBase, type: z.literal('single-choice'), choices: z.array(Choice).min(2), correct: Id }).strict();
export const MultipleChoiceItem = z.object({ ...itemBase, type: z.literal('multiple-choice'), choices: z.array(Choice).min(2), correct: z.array(Id).min(1) }).strict();
export const TrueFalseItem = z.object({ ...itemBase, type: z.literal('true-false'), correct: z.boolean() }).strict();
export const TextEntryItem = z
  .object({ ...itemBase, type: z.literal('text-entry'), accepted: z.array(Text).min(1), normalize: TextEntryNormalize.default({}) })
  .strict();
export const NumericItem = z
  .object({ ...itemBase, type: z.literal('numeric'), answer: z.number().finite(), tolerance: z.number().finite().min(0).default(0), unit: Text.optional() })
  .strict();
export const MatchItem = z
  .object({
    ...itemBase,
    type: z.literal('match'),
    left: z.array(Choice).min(1),
    right: z.array(Choice).min(1),
    pairs: z.array(z.object({ left: Id, right: Id }).strict()).min(1),
  })
  .strict();
export const OrderItem = z.object({ ...itemBase, type: z.literal('order'), choices: z.array(Choice).min(2), sequence: z.array(Id).min(2) }).strict();

export const ExerciseItem = z.discriminatedUnion('type', [SingleChoiceItem, MultipleChoiceItem, TrueFalseItem, TextEntryItem, NumericItem, MatchItem, OrderItem]);
export type ExerciseItem = z.infer<typeof ExerciseItem>;
export type ExerciseItemType = ExerciseItem['type'];
export const EXERCISE_ITEM_TYPES = ['single-choice', 'multiple-choice', 'true-false', 'text-entry', 'numeric', 'match', 'order'] as const satisfies readonly ExerciseItemType[];

export const MasteryRule = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('m-of-n'), m: z.number().int().min(1), n: z.number().int().min(1) }).strict(),
    z.object({ type: z.literal('n-in-a-row'), n: z.number().int().min(1) }).strict(),
  ])
  .superRefine((r, ctx) => {
    if (r.type === 'm-of-n' && r.m > r.n) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['m'], message: 'm must not exceed n', params: { zh: 'm 不能大于 n' } });
  });
export type MasteryRule = z.infer<typeof MasteryRule>;

export const ExerciseSet = z
  .object({ id: Id, title: LocalizedTitle, items: z.array(ExerciseItem).min(1), mastery: MasteryRule })
  .strict();
export type ExerciseSet = z.infer<typeof ExerciseSet>;

// ---------------------------------------------------------------------------------------------

export const Publisher = z.object({ keyId: KeyIdSchema, name: Text, certificate: Certificate }).strict();
export type Publisher = z.infer<typeof Publisher>;

export const PackManifest = z
  .object({
    format: z.literal(PACK_FORMAT),
    id: PackId,
    version: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
    title: LocalizedTitle,
    description: LocalizedTitle.optional(),
    publisher: Publisher,
    createdAt: IsoDateTime,
    tree: z.array(LessonNodeSchema).min(1),
    resources: z.array(Resource),
    exercises: z.array(ExerciseSet).default([]),
  })
  .strict();
/** A validated manifest (defaults applied). */
export type PackManifest = z.infer<typeof PackManifest>;
/** What a builder may write (defaults optional). */
export type PackManifestInput = z.input<typeof PackManifest>;

export type ManifestValidation = { ok: true; manifest: PackManifest } | { ok: false; problems: PackProblem[] };

// ---------------------------------------------------------------------------------------------

const ZH_TYPE: Record<string, string> = { string: '字符串', number: '数字', integer: '整数', boolean: '布尔值', object: '对象', array: '数组', null: 'null', undefined: '缺失' };

function issueText(issue: z.ZodIssue): LocalizedText {
  const params = (issue as { params?: { zh?: string } }).params;
  if (params?.zh) return { zh: params.zh, en: issue.message };
  switch (issue.code) {
    case z.ZodIssueCode.invalid_type:
      if (issue.received === 'undefined') return { zh: '缺少必填字段', en: 'required field is missing' };
      return { zh: `类型错误：应为${ZH_TYPE[issue.expected] ?? issue.expected}，实际为${ZH_TYPE[issue.received] ?? issue.received}`, en: issue.message };
    case z.ZodIssueCode.unrecognized_keys:
      return { zh: `未知字段：${issue.keys.join('、')}`, en: issue.message };
    case z.ZodIssueCode.invalid_literal:
      return { zh: `必须是 ${JSON.stringify(issue.expected)}`, en: issue.message };
    case z.ZodIssueCode.invalid_enum_value:
      return { zh: `取值无效，应为 ${issue.options.join(' / ')} 之一`, en: issue.message };
    case z.ZodIssueCode.invalid_union_discriminator:
      return { zh: `类型取值无效，应为 ${issue.options.map(String).join(' / ')} 之一`, en: issue.message };
    case z.ZodIssueCode.invalid_union:
      return { zh: '不符合任何一种允许的结构', en: issue.message };
    case z.ZodIssueCode.too_small:
      if (issue.type === 'array') return { zh: `至少需要 ${String(issue.minimum)} 项`, en: issue.message };
      if (issue.type === 'string') return { zh: `至少需要 ${String(issue.minimum)} 个字符`, en: issue.message };
      return { zh: `不能小于 ${String(issue.minimum)}`, en: issue.message };
    case z.ZodIssueCode.too_big:
      return { zh: `不能大于 ${String(issue.maximum)}`, en: issue.message };
    case z.ZodIssueCode.invalid_string:
      if (issue.validation === 'datetime') return { zh: '必须是带时区的 ISO 8601 时间，如 2025-09-01T00:00:00Z', en: issue.message };
      return { zh: ZH_BY_EN.get(issue.message) ?? `格式错误（${issue.message}）`, en: issue.message };
    default:
      return { zh: ZH_BY_EN.get(issue.message) ?? `无效（${issue.message}）`, en: issue.message };
  }
}

function schemaProblem(path: string, text: LocalizedText): PackProblem {
  const where = path || '(root)';
  return packProblem(
    'pack.schema-error',
    {
      zh: `清单 manifest.json 的 ${where} 无效：${text.zh}。请修正源文件后重新打包（tpk build）。`,
      en: `manifest.json ${where} is invalid: ${text.en}. Fix the source and rebuild the pack (tpk build).`,
    },
    path || undefined,
  );
}

/**
 * Validates a parsed manifest.json: schema (every issue, with dotted paths such as
 * `resources[3].blob.sha256`) and then cross-references (unique ids, lesson → resource,
 * resource → exercise set, item answer keys → choices, tree depth order, publisher key id).
 */
export function validateManifest(value: unknown): ManifestValidation {
  const parsed = PackManifest.safeParse(value);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((i) => schemaProblem(formatZodPath(i.path), issueText(i))) };
  }
  const problems = crossReferenceProblems(parsed.data);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, manifest: parsed.data };
}

function dup(kind: { zh: string; en: string }, id: string, path: string, firstPath: string): PackProblem {
  return packProblem(
    'pack.duplicate-id',
    {
      zh: `${kind.zh} id “${id}” 重复（首次出现在 ${firstPath}）。每个 id 必须唯一，请改名后重新打包。`,
      en: `Duplicate ${kind.en} id "${id}" (first used at ${firstPath}). Every id must be unique; rename it and rebuild.`,
    },
    path,
    { id, firstPath },
  );
}

function broken(path: string, zh: string, en: string, details: Record<string, unknown>): PackProblem {
  return packProblem('pack.broken-reference', { zh: `${zh}。请修正源文件后重新打包。`, en: `${en}. Fix the source and rebuild.` }, path, details);
}

function crossReferenceProblems(m: PackManifest): PackProblem[] {
  const problems: PackProblem[] = [];

  if (m.publisher.keyId !== m.publisher.certificate.subject.keyId) {
    problems.push(
      packProblem(
        'pack.key-mismatch',
        {
          zh: `publisher.keyId（${m.publisher.keyId}）与证书中的密钥（${m.publisher.certificate.subject.keyId}）不一致。请用与证书匹配的私钥重新打包。`,
          en: `publisher.keyId (${m.publisher.keyId}) differs from the certificate's key (${m.publisher.certificate.subject.keyId}). Rebuild with the private key that matches the certificate.`,
        },
        'publisher.keyId',
      ),
    );
  }

  const resourceIds = new Map<string, string>();
  m.resources.forEach((r, i) => {
    const path = `resources[${i}].id`;
    const first = resourceIds.get(r.id);
    if (first) problems.push(dup({ zh: '资源', en: 'resource' }, r.id, path, first));
    else resourceIds.set(r.id, path);
  });

  const setIds = new Map<string, string>();
  m.exercises.forEach((s, i) => {
    const path = `exercises[${i}].id`;
    const first = setIds.get(s.id);
    if (first) problems.push(dup({ zh: '练习', en: 'exercise set' }, s.id, path, first));
    else setIds.set(s.id, path);
    checkItems(s.items, `exercises[${i}]`, problems);
  });

  m.resources.forEach((r, i) => {
    if (r.kind === 'exercise-set' && !setIds.has(r.exerciseSetId)) {
      problems.push(
        broken(`resources[${i}].exerciseSetId`, `资源“${r.id}”指向不存在的练习“${r.exerciseSetId}”`, `Resource "${r.id}" points at exercise set "${r.exerciseSetId}", which does not exist`, {
          exerciseSetId: r.exerciseSetId,
        }),
      );
    }
  });

  const nodeIds = new Map<string, string>();
  const walk = (nodes: LessonNode[], base: string, parentDepth: number, parentLevel: LessonLevel | undefined) => {
    nodes.forEach((n, i) => {
      const path = `${base}[${i}]`;
      const first = nodeIds.get(n.id);
      if (first) problems.push(dup({ zh: '目录节点', en: 'lesson-tree node' }, n.id, `${path}.id`, first));
      else nodeIds.set(n.id, `${path}.id`);
      const depth = LESSON_LEVELS.indexOf(n.level);
      if (depth <= parentDepth && parentLevel) {
        problems.push(
          packProblem(
            'pack.schema-error',
            {
              zh: `清单 manifest.json 的 ${path}.level 无效：“${LESSON_LEVEL_ZH[n.level]}”不能放在“${LESSON_LEVEL_ZH[parentLevel]}”之下（顺序为 学段/学科/版本/年级/册/单元/课）。请调整目录结构后重新打包。`,
              en: `manifest.json ${path}.level is invalid: a ${n.level} cannot sit under a ${parentLevel} (order: stage/subject/edition/grade/volume/unit/lesson). Fix the folder tree and rebuild.`,
            },
            `${path}.level`,
          ),
        );
      }
      (n.resources ?? []).forEach((rid, j) => {
        if (!resourceIds.has(rid)) {
          problems.push(broken(`${path}.resources[${j}]`, `课“${n.title['zh-CN']}”引用了不存在的资源“${rid}”`, `Lesson "${n.title['zh-CN']}" references resource "${rid}", which does not exist`, { resourceId: rid }));
        }
      });
      if (n.children) walk(n.children, `${path}.children`, depth, n.level);
    });
  };
  walk(m.tree, 'tree', -1, undefined);

  const sizes = new Map<string, { size: number; path: string }>();
  forEachBlobRef(m, (b, path) => {
    const first = sizes.get(b.sha256);
    if (!first) sizes.set(b.sha256, { size: b.size, path });
    else if (first.size !== b.size) {
      problems.push(
        broken(`${path}.size`, `同一个文件（sha256 ${b.sha256.slice(0, 12)}…）在 ${first.path} 记为 ${first.size} 字节，这里却是 ${b.size} 字节`, `The same blob (sha256 ${b.sha256.slice(0, 12)}…) is ${first.size} bytes at ${first.path} but ${b.size} bytes here`, {
          sha256: b.sha256,
          firstPath: first.path,
        }),
      );
    }
  });
  return problems;
}

function checkItems(items: ExerciseItem[], base: string, problems: PackProblem[]): void {
  const itemIds = new Map<string, string>();
  items.forEach((item, i) => {
    const path = `${base}.items[${i}]`;
    const first = itemIds.get(item.id);
    if (first) problems.push(dup({ zh: '题目', en: 'exercise item' }, item.id, `${path}.id`, first));
    else itemIds.set(item.id, `${path}.id`);

    const choiceIds = (list: Choice[], listPath: string): Set<string> => {
      const seen = new Map<string, string>();
      list.forEach((c, j) => {
        const first = seen.get(c.id);
        if (first) problems.push(dup({ zh: '选项', en: 'choice' }, c.id, `${listPath}[${j}].id`, first));
        else seen.set(c.id, `${listPath}[${j}].id`);
      });
      return new Set(seen.keys());
    };
    const missingChoice = (id: string, at: string, listName: string) =>
      problems.push(broken(at, `题目“${item.id}”的答案引用了不存在的选项“${id}”`, `Item "${item.id}" answer references ${listName} "${id}", which does not exist`, { choiceId: id }));

    switch (item.type) {
      case 'single-choice': {
        const ids = choiceIds(item.choices, `${path}.choices`);
        if (!ids.has(item.correct)) missingChoice(item.correct, `${path}.correct`, 'choice');
        break;
      }
      case 'multiple-choice': {
        const ids = choiceIds(item.choices, `${path}.choices`);
        const seen = new Set<string>();
        item.correct.forEach((c, j) => {
          if (!ids.has(c)) missingChoice(c, `${path}.correct[${j}]`, 'choice');
          if (seen.has(c)) problems.push(dup({ zh: '正确答案', en: 'correct answer' }, c, `${path}.correct[${j}]`, `${path}.correct`));
          seen.add(c);
        });
        break;
      }
      case 'order': {
        const ids = choiceIds(item.choices, `${path}.choices`);
        const seen = new Set<string>();
        item.sequence.forEach((c, j) => {
          if (!ids.has(c)) missingChoice(c, `${path}.sequence[${j}]`, 'choice');
          if (seen.has(c)) problems.push(dup({ zh: '排序项', en: 'sequence entry' }, c, `${path}.sequence[${j}]`, `${path}.sequence`));
          seen.add(c);
        });
        if (item.sequence.length !== item.choices.length) {
          problems.push(
            broken(`${path}.sequence`, `排序题“${item.id}”的正确顺序必须恰好包含每个选项一次`, `Order item "${item.id}": sequence must list every choice exactly once`, {
              choices: item.choices.length,
              sequence: item.sequence.length,
            }),
          );
        }
        break;
      }
      case 'match': {
        const left = choiceIds(item.left, `${path}.left`);
        const right = choiceIds(item.right, `${path}.right`);
        const usedLeft = new Set<string>();
        item.pairs.forEach((p, j) => {
          if (!left.has(p.left)) missingChoice(p.left, `${path}.pairs[${j}].left`, 'left choice');
          if (!right.has(p.right)) missingChoice(p.right, `${path}.pairs[${j}].right`, 'right choice');
          if (usedLeft.has(p.left)) problems.push(dup({ zh: '配对左项', en: 'pair left' }, p.left, `${path}.pairs[${j}].left`, `${path}.pairs`));
          usedLeft.add(p.left);
        });
        break;
      }
      default:
        break;
    }
  });
}

/** Calls `visit` for every blob reference in the manifest with its dotted path. */
export function forEachBlobRef(manifest: PackManifest, visit: (blob: BlobRef, path: string) => void): void {
  manifest.resources.forEach((r, i) => {
    const base = `resources[${i}]`;
    if (r.kind !== 'exercise-set') {
      visit(r.blob, `${base}.blob`);
      (r.subtitles ?? []).forEach((s, j) => visit(s.blob, `${base}.subtitles[${j}].blob`));
    }
    if (r.thumbnail) visit(r.thumbnail, `${base}.thumbnail`);
  });
  manifest.exercises.forEach((set, i) => {
    set.items.forEach((item, j) => {
      const base = `exercises[${i}].items[${j}]`;
      if (item.audioPrompt) visit(item.audioPrompt, `${base}.audioPrompt`);
      if (item.image) visit(item.image, `${base}.image`);
      const lists: [string, Choice[]][] =
        item.type === 'match' ? [['left', item.left], ['right', item.right]] : 'choices' in item ? [['choices', item.choices]] : [];
      for (const [name, list] of lists) list.forEach((c, k) => c.image && visit(c.image, `${base}.${name}[${k}].image`));
    });
  });
}

/** Every blob the manifest references (resources, thumbnails, subtitles, exercise media), deduplicated by sha256. */
export function manifestBlobs(manifest: PackManifest): BlobRef[] {
  const out = new Map<string, BlobRef>();
  forEachBlobRef(manifest, (b) => {
    if (!out.has(b.sha256)) out.set(b.sha256, { sha256: b.sha256, size: b.size, mime: b.mime });
  });
  return [...out.values()];
}

/** Zip entry name of a blob. */
export function blobEntryName(sha256: string): string {
  return `blobs/${sha256}`;
}
/**
 * Largest manifest.json a reader accepts (docs/pack-format.md): ~15,000 resources, ~8× a
 * full-year pack with a few thousand resources (~0.5 MB), and small enough that verifying and
 * importing a validly signed manifest of this size peaks at ~195 MB RSS (measured:
 * `npm run bench -- manifest-rss`; 7 MB peaked at 270 MB), under the 300 MB a 2 GB classroom PC
 * can spare.
 */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Deepest nesting of objects/arrays accepted in manifest.json (a lesson tree is ~4 levels; each level is 3 JSON levels). */
export const MAX_JSON_DEPTH = 64;
export const MANIFEST_ENTRY = 'manifest.json';
export const SIGNATURE_ENTRY = 'manifest.sig';
