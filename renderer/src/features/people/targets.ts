import type { PackContent } from '../../../../common/bridge/methods/lessons';
import type { LessonNode, MasteryRule } from '../../../../content-packs/format/manifest';

type Title = { 'zh-CN': string } & Record<string, string>;

/** Something a teacher can assign from an installed pack: a lesson to watch, or an exercise set. */
export interface AssignTarget {
  kind: 'lesson' | 'exercise-set';
  packId: string;
  /** Lesson id or exercise-set id. */
  targetId: string;
  /** The lesson a child opens to do it (for a set: the lesson whose resources list it). */
  lessonId: string;
  title: Title;
  /** 单元 › 课 breadcrumb of zh-CN titles, for telling similar titles apart. */
  path: string[];
  /** Exercise sets: item count and mastery rule. */
  items?: number;
  mastery?: MasteryRule;
}

/** Every lesson and every exercise set (with its lesson) of a pack, in tree order. */
export function assignTargets(content: PackContent): AssignTarget[] {
  const { manifest } = content;
  const resources = new Map(manifest.resources.map((r) => [r.id, r]));
  const sets = new Map(manifest.exercises.map((s) => [s.id, s]));
  const out: AssignTarget[] = [];
  const walk = (nodes: readonly LessonNode[], path: string[]) => {
    for (const node of nodes) {
      if (node.level !== 'lesson') {
        walk(node.children ?? [], [...path, node.title['zh-CN']]);
        continue;
      }
      const lessonPath = [...path.slice(-1), node.title['zh-CN']];
      out.push({ kind: 'lesson', packId: manifest.id, targetId: node.id, lessonId: node.id, title: node.title as Title, path: lessonPath });
      for (const rid of node.resources ?? []) {
        const r = resources.get(rid);
        if (r?.kind !== 'exercise-set') continue;
        const set = sets.get(r.exerciseSetId);
        if (!set) continue;
        out.push({
          kind: 'exercise-set',
          packId: manifest.id,
          targetId: set.id,
          lessonId: node.id,
          title: set.title as Title,
          path: lessonPath,
          items: set.items.length,
          mastery: set.mastery,
        });
      }
    }
  };
  walk(manifest.tree, []);
  return out;
}

/** The lesson to open for an assignment, if the pack still has it. */
export function findTarget(content: PackContent, kind: 'lesson' | 'exercise-set', targetId: string): AssignTarget | undefined {
  return assignTargets(content).find((t) => t.kind === kind && t.targetId === targetId);
}
