import type { LessonNode, Resource } from '../../../../content-packs/format/manifest';

export type { LessonNode, Resource };

/** The lesson with its ancestors (学段 … 单元), or null. */
export function findLessonPath(nodes: readonly LessonNode[], lessonId: string, path: LessonNode[] = []): { lesson: LessonNode; path: LessonNode[] } | null {
  for (const n of nodes) {
    if (n.level === 'lesson' && n.id === lessonId) return { lesson: n, path };
    if (n.children) {
      const inner = findLessonPath(n.children, lessonId, [...path, n]);
      if (inner) return inner;
    }
  }
  return null;
}
