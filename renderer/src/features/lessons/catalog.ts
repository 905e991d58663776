import type { InstalledPack } from '../../../../common/bridge/methods/packs';
import type { PackContent } from '../../../../common/bridge/methods/lessons';
import type { LessonNode } from '../../../../content-packs/format/manifest';
import type { TeachPointDB } from '../../db/db';
import { trackWrite } from '../../db/pending-writes';
import type { CatalogEntry, CatalogPathNode } from '../../db/schema';
import type { RendererBridge } from '../../bridge/types';

export const BROWSE_LEVELS = ['stage', 'subject', 'edition', 'grade', 'volume', 'unit'] as const;
export type BrowseLevel = (typeof BROWSE_LEVELS)[number];

/** Every lesson of a manifest as a catalog row (tree order = `order`). */
export function catalogEntries(content: PackContent): CatalogEntry[] {
  const out: CatalogEntry[] = [];
  const walk = (nodes: readonly LessonNode[], path: CatalogPathNode[]) => {
    for (const n of nodes) {
      if (n.level === 'lesson') {
        const at = (level: BrowseLevel) => path.find((p) => p.level === level)?.title['zh-CN'] ?? '';
        out.push({
          id: `${content.id}:${n.id}`,
          packId: content.id,
          packVersion: content.version,
          lessonId: n.id,
          stage: at('stage'),
          subject: at('subject'),
          edition: at('edition'),
          grade: at('grade'),
          volume: at('volume'),
          unit: at('unit'),
          title: n.title,
          order: out.length,
          resourceCount: n.resources?.length ?? 0,
          path,
        });
      } else if (n.children) {
        walk(n.children, [...path, { level: n.level, id: n.id, title: n.title }]);
      }
    }
  };
  walk(content.manifest.tree, []);
  return out;
}

/**
 * Manifests fetched this session, by pack id, with the version they turned out to be. A pack's
 * manifest never changes within a version, but an update (or removal) replaces it and deletes the
 * old version's blobs: `forgetChangedPacks` drops every entry that is no longer the installed
 * version, on each `packs.changed`.
 */
const manifestCache = new Map<string, { version: number | null; content: Promise<PackContent> }>();

export function loadPackContent(bridge: RendererBridge, packId: string, version?: number): Promise<PackContent> {
  const cached = manifestCache.get(packId);
  if (cached && (version === undefined || cached.version === version)) return cached.content;
  const entry: { version: number | null; content: Promise<PackContent> } = { version: null, content: bridge.call('lessons.manifest', { packId }) };
  entry.content.then(
    (c) => {
      entry.version = c.version;
    },
    () => {
      if (manifestCache.get(packId) === entry) manifestCache.delete(packId);
    },
  );
  manifestCache.set(packId, entry);
  return entry.content;
}

/** Drop cached manifests of packs that are gone or at another version now (call on `packs.changed`). */
export function forgetChangedPacks(installed: readonly Pick<InstalledPack, 'id' | 'version'>[]): void {
  const now = new Map(installed.map((p) => [p.id, p.version]));
  for (const [id, entry] of manifestCache) {
    if (entry.version === null || now.get(id) !== entry.version) manifestCache.delete(id);
  }
}

/**
 * Bring the Dexie `catalog` in line with the installed packs: packs whose rows are already at the
 * installed version are left alone, others are (re)read from their manifest and replaced in one
 * transaction per pack, rows of packs no longer installed are deleted. Returns every row (also
 * when there is no database: the lesson browser then works from memory).
 */
export async function syncCatalog(bridge: RendererBridge, db: TeachPointDB | null, packs?: InstalledPack[]): Promise<CatalogEntry[]> {
  const installed = packs ?? (await bridge.call('packs.list', {}));
  if (!db) {
    const all = await Promise.all(installed.map(async (p) => catalogEntries(await loadPackContent(bridge, p.id, p.version))));
    return all.flat();
  }
  const existing = await db.catalog.toArray();
  const haveVersion = new Map<string, Set<number>>();
  for (const e of existing) {
    let set = haveVersion.get(e.packId);
    if (!set) haveVersion.set(e.packId, (set = new Set()));
    set.add(e.packVersion);
  }
  const keep = new Set(installed.map((p) => p.id));
  const gone = [...haveVersion.keys()].filter((id) => !keep.has(id));
  if (gone.length > 0) await trackWrite(db.transaction('rw', db.catalog, () => db.catalog.where('packId').anyOf(gone).delete()));
  const stale = installed.filter((pack) => {
    const versions = haveVersion.get(pack.id);
    return !(versions && versions.size === 1 && versions.has(pack.version));
  });
  // Unchanged (every restart): the rows just read are the catalog — no second read of thousands of rows.
  if (gone.length === 0 && stale.length === 0) return existing;
  // Ask for every stale manifest at once (50 packs on a first open), write them one pack at a time.
  const contents = stale.map((pack) => loadPackContent(bridge, pack.id, pack.version));
  for (let i = 0; i < stale.length; i++) {
    const pack = stale[i]!;
    const rows = catalogEntries(await contents[i]!);
    await trackWrite(
      db.transaction('rw', db.catalog, async () => {
        await db.catalog.where('packId').equals(pack.id).delete();
        await db.catalog.bulkPut(rows);
      }),
    );
  }
  return db.catalog.toArray();
}

export interface BrowseOption {
  /** zh-CN title: the key rows share across packs (two packs' 小学/数学 merge). */
  value: string;
  title: CatalogPathNode['title'];
  lessons: number;
}

export interface BrowseCrumb {
  level: BrowseLevel;
  value: string;
  title: CatalogPathNode['title'];
}

export interface BrowseView {
  crumbs: BrowseCrumb[];
  /** Level whose options are shown, null when only lessons remain. */
  level: BrowseLevel | null;
  options: BrowseOption[];
  /** Lessons at this point (rows with no deeper level left), in pack order. */
  lessons: CatalogEntry[];
}

/**
 * Where the teacher is in 学段/学科/版本/年级/册/单元/课: `picks` are the chosen zh-CN titles in level
 * order (levels every remaining row skips are skipped). A level with a single choice and no lesson of
 * its own is chosen automatically, unless the teacher came back to it (`pinnedDepth`), so one pack
 * shows its lessons at once and the breadcrumbs still show where they are.
 */
export function browseCatalog(entries: readonly CatalogEntry[], picks: readonly string[], pinnedDepth: number | null = null): BrowseView {
  let rows = [...entries].sort((a, b) => (a.packId === b.packId ? a.order - b.order : a.packId < b.packId ? -1 : 1));
  const crumbs: BrowseCrumb[] = [];
  for (let i = 0; i < BROWSE_LEVELS.length; i++) {
    const level = BROWSE_LEVELS[i]!;
    const deeper = BROWSE_LEVELS.slice(i);
    const direct = rows.filter((r) => deeper.every((l) => !r[l]));
    const grouped = rows.filter((r) => r[level]);
    if (grouped.length === 0) continue;
    const options = new Map<string, BrowseOption>();
    for (const r of grouped) {
      const value = r[level];
      const o = options.get(value);
      if (o) o.lessons++;
      else options.set(value, { value, title: r.path?.find((p) => p.level === level)?.title ?? { 'zh-CN': value }, lessons: 1 });
    }
    let pick: string | undefined = picks[crumbs.length];
    if (pick !== undefined && !options.has(pick)) pick = undefined;
    if (pick === undefined && options.size === 1 && direct.length === 0 && pinnedDepth !== crumbs.length && picks.length <= crumbs.length) {
      pick = [...options.keys()][0];
    }
    if (pick === undefined) return { crumbs, level, options: [...options.values()], lessons: direct };
    crumbs.push({ level, value: pick, title: options.get(pick)!.title });
    rows = rows.filter((r) => r[level] === pick);
  }
  return { crumbs, level: null, options: [], lessons: rows };
}
