/**
 * What can be wrong with a source folder. `tpk build` collects every problem (file, row, column)
 * and only then fails — county staff fix everything in one pass instead of one error per run.
 */
import { TeachPointError, type LocalizedText } from '../../common/errors/errors';

export type BuildProblemCode =
  | 'build.empty-pack'
  | 'build.empty-lesson'
  | 'build.missing-file'
  | 'build.duplicate-id'
  | 'build.bad-answer'
  | 'build.bad-item'
  | 'build.unknown-item-type'
  | 'build.bad-mastery'
  | 'build.csv-syntax'
  | 'build.csv-header'
  | 'build.yaml-syntax'
  | 'build.bad-field-type'
  | 'build.control-character'
  | 'build.bad-file-name'
  | 'build.bad-pack-yaml'
  | 'build.unsupported-file'
  | 'build.misplaced-file'
  | 'build.orphan-subtitle'
  | 'build.bad-subtitle'
  | 'build.bad-courseware'
  | 'build.unreadable-file'
  | 'build.manifest-invalid'
  | 'media.unreadable'
  | 'media.transcode-failed'
  | 'media.thumbnail-failed'
  | 'media.office-missing'
  | 'media.office-convert-failed';

export interface BuildProblem {
  code: BuildProblemCode;
  message: LocalizedText;
  /** Path relative to the source folder (forward slashes). */
  file?: string;
  /** 1-based line (CSV: the record's first line; YAML: the value's line). */
  row?: number;
  /** 1-based CSV field index (or YAML column for syntax errors). */
  column?: number;
  /** Column/field name, e.g. 答案. */
  field?: string;
  details?: Record<string, unknown>;
}

export function buildProblem(
  code: BuildProblemCode,
  message: LocalizedText,
  where: { file?: string; row?: number; column?: number; field?: string } = {},
  details?: Record<string, unknown>,
): BuildProblem {
  const p: BuildProblem = { code, message };
  if (where.file !== undefined) p.file = where.file;
  if (where.row !== undefined) p.row = where.row;
  if (where.column !== undefined) p.column = where.column;
  if (where.field !== undefined) p.field = where.field;
  if (details !== undefined) p.details = details;
  return p;
}

/** "file:row:column" (what editors understand), or "" when there is no file. */
export function problemLocation(p: BuildProblem): string {
  if (!p.file) return '';
  let s = p.file;
  if (p.row !== undefined) s += `:${p.row}`;
  if (p.row !== undefined && p.column !== undefined) s += `:${p.column}`;
  return s;
}

/** One line: "小学/…/练习.csv:5:4 [答案] build.bad-answer: 中文 / English". */
export function formatBuildProblem(p: BuildProblem): string {
  const loc = problemLocation(p);
  const col = p.column !== undefined && p.field ? ` [${p.field}]` : p.field ? ` [${p.field}]` : '';
  return `${loc ? `${loc}${col} ` : ''}${p.code}: ${p.message.zh} / ${p.message.en}`;
}

/** Thrown by buildPack when the source has problems: carries all of them. */
export class BuildFailedError extends TeachPointError {
  readonly problems: BuildProblem[];

  constructor(problems: BuildProblem[]) {
    super(
      'build.failed',
      {
        zh: `打包失败：发现 ${problems.length} 个问题，请全部改正后重新运行 tpk build。`,
        en: `Build failed: ${problems.length} problem(s) found; fix them all and run tpk build again.`,
      },
      { problems: problems.map((p) => ({ ...p })) },
    );
    this.problems = problems;
  }
}
