import * as fs from 'node:fs';
import { join } from 'node:path';
import { TeachPointError } from '../../common/errors/errors';
import { validateManifest, type LessonNode, type PackManifest } from '../format/manifest';
import type { PackIndex } from '../store/pack-index';

/**
 * The installed version's manifest, read from the copy the importer keeps in `<data>/<metaDir>/`
 * and validated again with the format library (a damaged file is refused, never half-shown).
 * Parsed manifests are cached per (pack id, version): a new version is a new key.
 */
export class PackContentReader {
  private readonly cache = new Map<string, Promise<PackManifest>>();

  constructor(private readonly dataDir: string, private readonly index: PackIndex) {}

  async manifest(packId: string): Promise<{ id: string; version: number; manifest: PackManifest }> {
    const rec = await this.index.get(packId);
    if (!rec) throw notInstalled(packId);
    const key = `${rec.id}@${rec.version}`;
    let p = this.cache.get(key);
    if (!p) {
      p = this.load(join(this.dataDir, rec.metaDir, 'manifest.json'), packId);
      p.catch(() => this.cache.delete(key));
      this.cache.set(key, p);
      // Only the installed versions matter; drop stale keys of this pack.
      for (const k of this.cache.keys()) if (k.startsWith(`${rec.id}@`) && k !== key) this.cache.delete(k);
    }
    return { id: rec.id, version: rec.version, manifest: await p };
  }

  /** The lesson node, or `lessons.not-found`. */
  async lesson(packId: string, lessonId: string): Promise<LessonNode> {
    const { manifest } = await this.manifest(packId);
    const found = findLesson(manifest.tree, lessonId);
    if (!found) {
      throw new TeachPointError(
        'lessons.not-found',
        { zh: `资源包中没有这节课（${lessonId}）。资源包可能已更新，请回到资源库重新选择。`, en: `This pack has no such lesson (${lessonId}). The pack may have been updated; go back to the library and pick it again.` },
        { packId, lessonId },
      );
    }
    return found;
  }

  private async load(file: string, packId: string): Promise<PackManifest> {
    let value: unknown;
    try {
      value = JSON.parse(await fs.promises.readFile(file, 'utf8'));
    } catch (err) {
      throw damaged(packId, { file, reason: (err as NodeJS.ErrnoException).code ?? 'json' });
    }
    const v = validateManifest(value);
    if (!v.ok) throw damaged(packId, { file, problems: v.problems.slice(0, 5).map((p) => p.code) });
    return v.manifest;
  }
}

export function findLesson(nodes: readonly LessonNode[], lessonId: string): LessonNode | null {
  for (const n of nodes) {
    if (n.level === 'lesson' && n.id === lessonId) return n;
    const inner = n.children ? findLesson(n.children, lessonId) : null;
    if (inner) return inner;
  }
  return null;
}

function notInstalled(packId: string): TeachPointError {
  return new TeachPointError(
    'packs.not-installed',
    { zh: `资源包“${packId}”没有安装在这台电脑上。请先从 U 盘导入。`, en: `Pack "${packId}" is not installed on this computer. Import it from a USB stick first.` },
    { id: packId },
  );
}

function damaged(packId: string, details: Record<string, unknown>): TeachPointError {
  return new TeachPointError(
    'lessons.damaged',
    {
      zh: `资源包“${packId}”的内容清单已损坏，无法显示课程。请删除后从 U 盘重新导入这个资源包。`,
      en: `The content list of pack "${packId}" is damaged, so its lessons cannot be shown. Remove it and import it again from the USB stick.`,
    },
    { id: packId, ...details },
  );
}
