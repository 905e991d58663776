/**
 * How a zod validation failure is told, everywhere one is told (bridge errors, dropped events,
 * trust files, manifests, pack.yaml): one path notation and one "path: message" line, so a log,
 * an error's details and a CLI line name the same field the same way.
 */
import type { z } from 'zod';

/** `a.b[3].c` from a zod path (`''` for the root). */
export function formatZodPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

/** One issue as error details carry it. */
export interface ZodIssueSummary {
  path: string;
  message: string;
}

export function summarizeZodIssues(issues: readonly z.ZodIssue[]): ZodIssueSummary[] {
  return issues.map((i) => ({ path: formatZodPath(i.path), message: i.message }));
}

/** `path: message` per issue, `(root)` when the value itself is wrong — for logs and messages. */
export function zodIssueLines(issues: readonly z.ZodIssue[]): string[] {
  return issues.map((i) => `${formatZodPath(i.path) || '(root)'}: ${i.message}`);
}
