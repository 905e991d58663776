/**
 * Everything that can be wrong with a pack, as data. Verification never stops at the first
 * problem: it returns a list so `tpk verify` and the importer can show all of them at once.
 * Every problem carries a stable dotted `code` (branch on it) and a bilingual message that says
 * what happened and what to do.
 */
import { TeachPointError, type LocalizedText } from '../../common/errors/errors';

export const PACK_PROBLEM_CODES = [
  // container
  'pack.not-a-zip',
  'pack.truncated',
  'pack.zip-corrupt',
  'pack.unsupported-zip-feature',
  'pack.unsafe-entry-name',
  'pack.duplicate-entry',
  'pack.overlapping-entries',
  'pack.unexpected-entry',
  // manifest
  'pack.manifest-missing',
  'pack.manifest-not-json',
  'pack.manifest-too-large',
  'pack.manifest-too-deep',
  'pack.manifest-not-canonical',
  'pack.schema-error',
  'pack.duplicate-id',
  'pack.broken-reference',
  // signature & trust
  'pack.signature-missing',
  'pack.signature-malformed',
  'pack.bad-signature',
  'pack.key-mismatch',
  'pack.unknown-key',
  'pack.bad-cert-signature',
  'pack.cert-malformed',
  'pack.cert-expired',
  'pack.cert-not-yet-valid',
  'pack.key-revoked',
  'pack.bad-revocation-list',
  // blobs
  'pack.missing-blob',
  'pack.blob-hash-mismatch',
  'pack.blob-size-mismatch',
  'pack.blob-unreadable',
] as const;

export type PackProblemCode = (typeof PACK_PROBLEM_CODES)[number];

export interface PackProblem {
  code: PackProblemCode;
  /** Where: a dotted manifest path (`resources[3].blob.sha256`) or a zip entry name. */
  path?: string;
  message: LocalizedText;
  details?: Record<string, unknown>;
}

export function packProblem(
  code: PackProblemCode,
  message: LocalizedText,
  path?: string,
  details?: Record<string, unknown>,
): PackProblem {
  const p: PackProblem = { code, message };
  if (path !== undefined) p.path = path;
  if (details !== undefined) p.details = details;
  return p;
}

/** Wraps a non-empty problem list in a throwable error (code of the first problem). */
export function problemsError(problems: readonly PackProblem[]): TeachPointError {
  const first = problems[0];
  if (!first) throw new Error('problemsError needs at least one problem');
  const more = problems.length > 1 ? { zh: `（另有 ${problems.length - 1} 个问题）`, en: ` (and ${problems.length - 1} more problems)` } : { zh: '', en: '' };
  return new TeachPointError(
    first.code,
    { zh: first.message.zh + more.zh, en: first.message.en + more.en },
    { problems: problems.map((p) => ({ ...p })) },
  );
}

/** Problems carried by a TeachPointError made with problemsError, or one problem made from any error. */
export function problemsFromError(err: unknown): PackProblem[] {
  if (err instanceof TeachPointError) {
    const list = err.details?.['problems'];
    if (Array.isArray(list) && list.length > 0) return list as PackProblem[];
    if ((PACK_PROBLEM_CODES as readonly string[]).includes(err.code)) {
      return [packProblem(err.code as PackProblemCode, err.localized, undefined, err.details)];
    }
    return [packProblem('pack.zip-corrupt', err.localized, undefined, { cause: err.code })];
  }
  const text = err instanceof Error ? err.message : String(err);
  return [
    packProblem('pack.zip-corrupt', {
      zh: `无法读取资源包：${text}。请重新复制或重新下载该资源包。`,
      en: `Could not read the pack: ${text}. Copy or download the pack again.`,
    }),
  ];
}

/** One line per problem, "code path: 中文 / English", for CLIs and logs. */
export function formatProblem(p: PackProblem): string {
  return `${p.code}${p.path ? ` ${p.path}` : ''}: ${p.message.zh} / ${p.message.en}`;
}
