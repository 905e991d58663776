import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { TeachPointError } from '../../common/errors/errors';
import { openPack } from '../format/pack-reader';
import { fileSource } from './file-source';
import { nodeInflateRaw } from './verify';

export interface PackIdentity {
  file: string;
  packId: string;
  version: number;
  /** sha256 of the exact manifest.json bytes (what pack releases and inbound bundles name). */
  manifestSha256: string;
  /** Size of the `.tpk` file. */
  bytes: number;
}

/**
 * Id, version and manifest hash of a `.tpk`, from its central directory and manifest only (no blob
 * bytes, no trust check — the importer verifies everything before it installs anything). Used to
 * bind packs to an inbound USB bundle on the cloud (bundle-out) and to check them on the device.
 */
export async function readPackIdentity(path: string): Promise<PackIdentity> {
  const source = await fileSource(path);
  try {
    const pack = await openPack(source, { inflateRaw: nodeInflateRaw, localHeaders: 'lazy' });
    if (!pack.manifest || !pack.manifestBytes) {
      throw new TeachPointError(
        'bundle.bad-pack',
        {
          zh: `${basename(path)} 不是有效的资源包（${pack.problems[0]?.message.zh ?? '无法读取清单'}）。请用 tpk verify 检查它，或重新复制。`,
          en: `${basename(path)} is not a valid pack (${pack.problems[0]?.message.en ?? 'manifest unreadable'}). Check it with tpk verify, or copy it again.`,
        },
        { path },
      );
    }
    const manifestSha256 = createHash('sha256').update(pack.manifestBytes).digest('hex');
    return { file: basename(path), packId: pack.manifest.id, version: pack.manifest.version, manifestSha256, bytes: source.size };
  } finally {
    await source.close();
  }
}
