/** Opening a .tpk for inspect/diff: manifest only (no blob hashing), with bilingual errors. */
import { TeachPointError } from '../../common/errors/errors';
import type { PackManifest } from '../format/manifest';
import { formatProblem } from '../format/problems';
import { openPackFile } from '../node/verify';

export async function readPackManifest(path: string): Promise<{ manifest: PackManifest; fileSize: number; entries: number }> {
  let pack;
  try {
    pack = await openPackFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code) {
      throw new TeachPointError('cli.file-unreadable', { zh: `无法打开资源包：${path}（${code}）。请检查路径。`, en: `Cannot open the pack: ${path} (${code}). Check the path.` }, { file: path });
    }
    throw err;
  }
  try {
    if (!pack.manifest) {
      const why = pack.problems.slice(0, 5).map(formatProblem).join('\n  ');
      throw new TeachPointError(
        'pack.unreadable',
        { zh: `无法读取资源包 ${path} 的清单：\n  ${why}\n请用 tpk verify 查看全部问题。`, en: `Cannot read the manifest of ${path}:\n  ${why}\nRun tpk verify to see every problem.` },
        { file: path, problems: pack.problems },
      );
    }
    return { manifest: pack.manifest, fileSize: pack.source.size, entries: pack.entries.length };
  } finally {
    await pack.close();
  }
}
