/**
 * What `tpk inspect` and `tpk diff` print: a pack's lesson tree, resource counts and sizes, and the
 * difference between two versions in blobs (what a device holding the old one must transfer).
 * Pure functions over validated manifests.
 */
import { type LessonNode, type PackManifest, type ResourceKind, manifestBlobs } from '../format/manifest';

export interface TreeLine {
  depth: number;
  level: LessonNode['level'];
  id: string;
  title: string;
  /** Lessons: resource count. */
  resources?: number;
}

export interface PackSummary {
  id: string;
  version: number;
  title: PackManifest['title'];
  createdAt: string;
  signer: { name: string; keyId: string; issuerKeyId: string; notBefore: string; notAfter: string };
  lessons: number;
  resources: Record<ResourceKind, { count: number; bytes: number }>;
  exercises: { sets: number; items: number; byType: Record<string, number> };
  blobs: { count: number; bytes: number };
  tree: TreeLine[];
}

export function summarizeManifest(m: PackManifest): PackSummary {
  const resources = Object.fromEntries(['video', 'audio', 'pdf', 'image', 'html5', 'exercise-set'].map((k) => [k, { count: 0, bytes: 0 }])) as PackSummary['resources'];
  for (const r of m.resources) {
    const slot = resources[r.kind];
    slot.count++;
    if (r.kind !== 'exercise-set') slot.bytes += r.blob.size + (r.thumbnail?.size ?? 0) + (r.subtitles ?? []).reduce((n, s) => n + s.blob.size, 0);
  }
  const byType: Record<string, number> = {};
  let items = 0;
  for (const s of m.exercises) {
    for (const i of s.items) {
      byType[i.type] = (byType[i.type] ?? 0) + 1;
      items++;
    }
  }
  const tree: TreeLine[] = [];
  let lessons = 0;
  const walk = (nodes: LessonNode[], depth: number) => {
    for (const n of nodes) {
      const line: TreeLine = { depth, level: n.level, id: n.id, title: n.title['zh-CN'] };
      if (n.resources) {
        line.resources = n.resources.length;
        lessons++;
      }
      tree.push(line);
      if (n.children) walk(n.children, depth + 1);
    }
  };
  walk(m.tree, 0);
  const blobs = manifestBlobs(m);
  const c = m.publisher.certificate;
  return {
    id: m.id,
    version: m.version,
    title: m.title,
    createdAt: m.createdAt,
    signer: { name: m.publisher.name, keyId: m.publisher.keyId, issuerKeyId: c.issuerKeyId, notBefore: c.notBefore, notAfter: c.notAfter },
    lessons,
    resources,
    exercises: { sets: m.exercises.length, items, byType },
    blobs: { count: blobs.length, bytes: blobs.reduce((n, b) => n + b.size, 0) },
    tree,
  };
}

export interface PackDiff {
  old: { id: string; version: number };
  new: { id: string; version: number };
  samePack: boolean;
  versionIncreases: boolean;
  blobs: {
    added: Array<{ sha256: string; size: number; mime: string }>;
    removed: Array<{ sha256: string; size: number; mime: string }>;
    kept: number;
    keptBytes: number;
  };
  /** Bytes a device holding the old version must download to have the new one. */
  transferBytes: number;
  /** Size of all blobs of the new version (what a fresh device needs). */
  fullBytes: number;
  resources: { added: string[]; removed: string[]; changed: string[] };
}

export function diffManifests(a: PackManifest, b: PackManifest): PackDiff {
  const oldBlobs = new Map(manifestBlobs(a).map((x) => [x.sha256, x]));
  const newBlobs = new Map(manifestBlobs(b).map((x) => [x.sha256, x]));
  const added = [...newBlobs.values()].filter((x) => !oldBlobs.has(x.sha256)).sort((x, y) => y.size - x.size);
  const removed = [...oldBlobs.values()].filter((x) => !newBlobs.has(x.sha256)).sort((x, y) => y.size - x.size);
  const kept = [...newBlobs.values()].filter((x) => oldBlobs.has(x.sha256));
  const oldRes = new Map(a.resources.map((r) => [r.id, JSON.stringify(r)]));
  const newRes = new Map(b.resources.map((r) => [r.id, JSON.stringify(r)]));
  return {
    old: { id: a.id, version: a.version },
    new: { id: b.id, version: b.version },
    samePack: a.id === b.id,
    versionIncreases: b.version > a.version,
    blobs: { added, removed, kept: kept.length, keptBytes: kept.reduce((n, x) => n + x.size, 0) },
    transferBytes: added.reduce((n, x) => n + x.size, 0),
    fullBytes: [...newBlobs.values()].reduce((n, x) => n + x.size, 0),
    resources: {
      added: [...newRes.keys()].filter((id) => !oldRes.has(id)),
      removed: [...oldRes.keys()].filter((id) => !newRes.has(id)),
      changed: [...newRes.keys()].filter((id) => oldRes.has(id) && oldRes.get(id) !== newRes.get(id)),
    },
  };
}
