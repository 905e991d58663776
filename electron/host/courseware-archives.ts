import type { MediaBlob, MediaResolver } from '../../common/media/media';
import { SHA256_HEX } from '../../common/media/media';
import { openZip, safeEntryName, type ZipArchive, type ZipEntry } from '../../content-packs/format/zip-reader';
import { fileSource } from '../../content-packs/node/file-source';

/** Zip media types an html5 courseware blob may have (pack manifest). */
export const COURSEWARE_ZIP_MIMES: ReadonlySet<string> = new Set(['application/zip', 'application/x-zip-compressed']);
/** Central directories kept parsed (a courseware page loads many entries in a burst). */
const CACHE_LIMIT = 8;

export interface CoursewareEntry {
  blob: MediaBlob;
  entry: ZipEntry;
}

export interface CoursewareArchives {
  /**
   * The entry `entryName` of the courseware zip `sha256`, or null: not a 64-hex name, an entry name
   * the pack format refuses (`..`, absolute, backslashes …), a blob the resolver does not know or that
   * is not a zip, an unreadable zip, or no such entry in the zip's own directory.
   */
  lookup(sha256: string, entryName: string): Promise<CoursewareEntry | null>;
}

/**
 * Courseware entries for the Electron `tp-media://teachpoint/courseware/…` handler: blob by hash
 * through the MediaResolver, directory read with the pack format's zip reader (cached), entry name
 * checked with its safeEntryName — no request text ever becomes a path.
 */
export function createCoursewareArchives(resolver: MediaResolver, log: (msg: string) => void = () => undefined): CoursewareArchives {
  const archives = new Map<string, Promise<ZipArchive>>();
  const archiveOf = (sha: string, path: string): Promise<ZipArchive> => {
    let p = archives.get(sha);
    if (!p) {
      p = (async () => {
        const source = await fileSource(path);
        try {
          return await openZip(source);
        } finally {
          await source.close();
        }
      })();
      p.catch(() => archives.delete(sha));
      archives.set(sha, p);
      if (archives.size > CACHE_LIMIT) archives.delete(archives.keys().next().value as string);
    }
    return p;
  };
  return {
    async lookup(sha256, entryName) {
      if (!SHA256_HEX.test(sha256) || !safeEntryName(entryName).ok) return null;
      const blob = await resolver.resolve(sha256);
      if (!blob || blob.sha256 !== sha256 || !COURSEWARE_ZIP_MIMES.has(blob.mime)) return null;
      let archive: ZipArchive;
      try {
        archive = await archiveOf(sha256, blob.path);
      } catch (err) {
        log(`[courseware] ${sha256} unreadable: ${String(err)}`);
        return null;
      }
      const entry = archive.get(entryName);
      return entry ? { blob, entry } : null;
    },
  };
}
