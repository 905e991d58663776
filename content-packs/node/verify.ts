/** Pack verification on Node 16: node:crypto Ed25519 and streaming sha256 over the file. */
import * as crypto from 'crypto';
import type { promises as fsp } from 'fs';
import * as zlib from 'zlib';
import { promisify } from 'util';
import { type HashEntry, type OpenedPack, type OpenPackOptions, type PackVerification, type VerifyPackOptions, assertLocated, openPack, verifyPackContents } from '../format/pack-reader';
import { problemsFromError } from '../format/problems';
import type { PublicKeyFile } from '../format/trust';
import type { ZipEntry } from '../format/zip-reader';
import { readEntryStream } from './entry-stream';
import { nodeEd25519 } from './ed25519-node';
import { type FileSource, fileSource, readFully } from './file-source';

const inflateRawAsync = promisify(zlib.inflateRaw);

export const nodeInflateRaw = async (data: Uint8Array): Promise<Uint8Array> => new Uint8Array(await inflateRawAsync(data));

/** sha256 of an entry: STORE via positional reads with read-ahead (4 MiB), DEFLATE via zlib. */
export function nodeHashEntry(path: string, handle: fsp.FileHandle, bufferSize = 4 * 1024 * 1024): HashEntry {
  return async (entry: ZipEntry) => {
    assertLocated(entry);
    const h = crypto.createHash('sha256');
    if (entry.method === 8) {
      let size = 0;
      for await (const chunk of readEntryStream(path, entry) as AsyncIterable<Buffer>) {
        h.update(chunk);
        size += chunk.length;
      }
      return { sha256: h.digest('hex'), size };
    }
    const bufs = [new Uint8Array(Math.min(bufferSize, Math.max(1, entry.compressedSize))), new Uint8Array(Math.min(bufferSize, Math.max(1, entry.compressedSize)))];
    const len = bufs[0]!.length;
    let done = 0;
    let idx = 0;
    let pending: Promise<number> | undefined = entry.compressedSize > 0 ? readFully(handle, bufs[0]!, 0, Math.min(len, entry.compressedSize), entry.dataOffset) : undefined;
    try {
      while (pending) {
        const want = Math.min(len, entry.compressedSize - done);
        const n = await pending;
        pending = undefined;
        if (n !== want) throw new Error(`unexpected end of file in ${entry.name}`);
        const cur = bufs[idx]!;
        done += n;
        idx ^= 1;
        if (done < entry.compressedSize) pending = readFully(handle, bufs[idx]!, 0, Math.min(len, entry.compressedSize - done), entry.dataOffset + done);
        h.update(cur.subarray(0, n));
      }
    } finally {
      if (pending) await pending.catch(() => 0);
    }
    return { sha256: h.digest('hex'), size: done };
  };
}

export interface OpenedPackFile extends OpenedPack {
  source: FileSource;
  close(): Promise<void>;
}

/** openPack over a file, with zlib for DEFLATEd manifests. Call close() when done. */
export async function openPackFile(path: string, options: Pick<OpenPackOptions, 'manifest'> = {}): Promise<OpenedPackFile> {
  const source = await fileSource(path);
  try {
    const pack = await openPack(source, { ...options, inflateRaw: nodeInflateRaw });
    return Object.assign(pack, { source, close: () => source.close() });
  } catch (err) {
    await source.close();
    throw err;
  }
}

export interface VerifyPackFileOptions {
  trustedRoots: readonly PublicKeyFile[];
  revocations?: readonly unknown[];
  now?: Date;
  onProgress?: VerifyPackOptions['onProgress'];
  concurrency?: number;
}

/** Full verification of a .tpk file; returns every problem (never throws for a bad pack). */
export async function verifyPackFile(path: string, options: VerifyPackFileOptions): Promise<PackVerification> {
  let pack: OpenedPackFile;
  try {
    // Untrusted file: signature and chain are checked over the raw manifest bytes before parsing.
    pack = await openPackFile(path, { manifest: 'after-signature' });
  } catch (err) {
    return { ok: false, problems: problemsFromError(err) };
  }
  try {
    const verifyOptions: VerifyPackOptions = {
      trustedRoots: options.trustedRoots,
      revocations: options.revocations ?? [],
      now: options.now ?? new Date(),
      ed25519: nodeEd25519,
      hashEntry: nodeHashEntry(path, pack.source.handle),
    };
    if (options.onProgress) verifyOptions.onProgress = options.onProgress;
    if (options.concurrency !== undefined) verifyOptions.concurrency = options.concurrency;
    return await verifyPackContents(pack, verifyOptions);
  } finally {
    await pack.close();
  }
}
