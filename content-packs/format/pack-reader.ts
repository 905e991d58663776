/**
 * Opening and verifying .tpk packs over random access — browser-safe. Hashing is a callback so
 * Node can stream through node:crypto (content-packs/node/verify.ts) and the browser can use
 * @noble/hashes (the default here).
 *
 *   const pack = await openPack(source);          // structure, manifest, signature file
 *   const result = await verifyPackContents(pack, { trustedRoots, now: new Date() });
 *   if (!result.ok) show(result.problems);        // every problem, bilingual, with paths
 *
 * Never use `pack.manifest` for anything but display before verifyPackContents says ok.
 */
import { sha256 } from '@noble/hashes/sha256';
import { TeachPointError } from '../../common/errors/errors';
import { isCanonicalJsonText } from './canonical';
import { crc32 } from './crc32';
import { jsonNestingDepth, parseTopLevelMember } from './json-scan';
import { type Ed25519, nobleEd25519 } from './ed25519';
import { concatBytes, fromBase64, toHex, utf8DecodeStrict } from './encoding';
import { MANIFEST_ENTRY, MAX_JSON_DEPTH, MAX_MANIFEST_BYTES, SIGNATURE_ENTRY, blobEntryName, forEachBlobRef, manifestBlobs, type PackManifest, validateManifest } from './manifest';
import { type PackProblem, packProblem, problemsFromError } from './problems';
import { type SignatureFile, parseSignatureFile, verifyManifestSignature } from './signature';
import { Certificate, type PublicKeyFile, verifyCertificateChain } from './trust';
import { type RandomAccessSource, type ZipEntry, inspectZip } from './zip-reader';

/** Inflates a whole raw-DEFLATE entry. */
export type InflateRaw = (compressed: Uint8Array, uncompressedSize: number) => Promise<Uint8Array>;

export interface OpenPackOptions {
  /** Needed only when manifest.json/manifest.sig are DEFLATEd (tpk writes them STORED). Default: DecompressionStream. */
  inflateRaw?: InflateRaw;
  /** Refuse bigger manifests (default MAX_MANIFEST_BYTES, 8 MiB). */
  maxManifestBytes?: number;
  /**
   * 'parse' (default): manifest.json is parsed and validated now.
   * 'after-signature': only its bytes are read; verifyPackContents checks the signature and the
   * certificate chain over those raw bytes first and parses them only when both pass (or when the
   * manifest is small enough to parse just to name more problems). For untrusted files: a
   * hostile manifest costs its bytes, never an object graph.
   */
  manifest?: 'parse' | 'after-signature';
  /**
   * 'eager' (default): every entry's local header is checked now (problems in `problems`).
   * 'lazy': only manifest.json's and manifest.sig's; any other entry must go through
   * `pack.locate(entry)` before its data is read (verifyPackContents does so when it hashes).
   */
  localHeaders?: 'eager' | 'lazy';
}

export interface OpenedPack {
  source: RandomAccessSource;
  /** Entries with safe names (unsafe ones are only reported in `problems`). */
  entries: ZipEntry[];
  manifestBytes?: Uint8Array;
  /** Present only when manifest.json passed validation. */
  manifest?: PackManifest;
  /** Parsed JSON even when it failed validation (for diagnostics). */
  manifestJson?: unknown;
  /** False while manifest.json has been read but not parsed yet (`manifest: 'after-signature'`). */
  manifestParsed: boolean;
  signatureBytes?: Uint8Array;
  signature?: SignatureFile;
  /** Container, manifest and signature-file problems found while opening. */
  problems: PackProblem[];
  blobEntry(sha256: string): ZipEntry | undefined;
  entry(name: string): ZipEntry | undefined;
  /** See ZipArchive.locate: checks the entry's local header (once) and sets its dataOffset. */
  locate(entry: ZipEntry): Promise<ZipEntry>;
  /** See ZipArchive.locateAll. */
  locateAll(entries: readonly ZipEntry[]): Promise<void>;
}

type DecompressionStreamCtor = new (format: 'deflate-raw') => { readable: ReadableStream<Uint8Array>; writable: WritableStream<Uint8Array> };
interface ReadableStream<T> {
  getReader(): { read(): Promise<{ done: boolean; value?: T }>; releaseLock(): void };
}
interface WritableStream<T> {
  getWriter(): { write(chunk: T): Promise<void>; close(): Promise<void>; abort(reason?: unknown): Promise<void> };
}

function decompressionStream(): DecompressionStreamCtor | undefined {
  return (globalThis as unknown as { DecompressionStream?: DecompressionStreamCtor }).DecompressionStream;
}

/** Streams raw-DEFLATE bytes through DecompressionStream (Chrome 103+, Node 18+), calling `onData` per output chunk. */
export async function inflateRawStreaming(chunks: AsyncIterable<Uint8Array>, onData: (chunk: Uint8Array) => void): Promise<void> {
  const Ctor = decompressionStream();
  if (!Ctor) throw new Error('DecompressionStream("deflate-raw") is not available in this runtime; pass an inflateRaw implementation.');
  const ds = new Ctor('deflate-raw');
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  const pump = (async () => {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (value) onData(value);
    }
  })();
  try {
    for await (const c of chunks) await writer.write(c);
    await writer.close();
  } catch (err) {
    await writer.abort(err).catch(() => undefined);
    await pump.catch(() => undefined);
    throw err;
  }
  await pump;
}

const defaultInflateRaw: InflateRaw = async (compressed) => {
  const parts: Uint8Array[] = [];
  await inflateRawStreaming(
    (async function* () {
      yield compressed;
    })(),
    (c) => parts.push(c),
  );
  return concatBytes(parts);
};

/** Reads a whole (small) entry, inflating if needed and checking size and CRC-32. */
export async function readEntryBytes(source: RandomAccessSource, entry: ZipEntry, inflateRaw: InflateRaw = defaultInflateRaw): Promise<{ bytes: Uint8Array; crcOk: boolean }> {
  assertLocated(entry);
  const raw = await source.read(entry.dataOffset, entry.compressedSize);
  const bytes = entry.method === 0 ? raw : await inflateRaw(raw, entry.uncompressedSize);
  if (bytes.length !== entry.uncompressedSize) throw new Error(`${entry.name}: inflated to ${bytes.length} bytes, expected ${entry.uncompressedSize}`);
  return { bytes, crcOk: crc32(bytes) === entry.crc32 };
}

/** Guards readers against entries of a lazily opened archive whose local header was not checked. */
export function assertLocated(entry: ZipEntry): void {
  if (!(entry.dataOffset >= 0)) throw new Error(`${entry.name}: local header not checked yet (call locate first)`);
}

function crcProblem(name: string): PackProblem {
  return packProblem('pack.zip-corrupt', {
    zh: `${name} 的 CRC 校验失败（内容在复制中被改动或损坏）。请重新复制或重新下载资源包。`,
    en: `${name} fails its CRC check (altered or damaged in transit). Copy or download the pack again.`,
  }, name);
}

function manifestTooLarge(size: number, max: number): PackProblem {
  return packProblem('pack.manifest-too-large', {
    zh: `manifest.json 过大（${size} 字节，上限 ${max} 字节），不是 tpk build 生成的清单，已拒绝。请向县电教馆重新索取该资源包。`,
    en: `manifest.json is too large (${size} bytes; the limit is ${max}), so tpk build did not write it; rejected. Ask the county for a fresh copy of the pack.`,
  }, MANIFEST_ENTRY, { size, max });
}

/** False (and a `pack.manifest-too-deep` problem) when manifest.json nests deeper than MAX_JSON_DEPTH. */
function checkDepth(pack: OpenedPack): boolean {
  if (jsonNestingDepth(pack.manifestBytes!, MAX_JSON_DEPTH) <= MAX_JSON_DEPTH) return true;
  pack.problems.push(
    packProblem('pack.manifest-too-deep', {
      zh: `manifest.json 嵌套超过 ${MAX_JSON_DEPTH} 层（课程目录层级过深），不是 tpk build 生成的清单，已拒绝。请向县电教馆重新索取该资源包。`,
      en: `manifest.json nests more than ${MAX_JSON_DEPTH} levels deep (the lesson tree is too deep), so tpk build did not write it; rejected. Ask the county for a fresh copy of the pack.`,
    }, MANIFEST_ENTRY, { maxDepth: MAX_JSON_DEPTH }),
  );
  return false;
}

/**
 * Parse and validate `pack.manifestBytes` (read by openPack): nesting depth first (a deep tree is
 * refused before any recursive check sees it), then UTF-8 JSON, canonical form and schema.
 * Problems go to `pack.problems`.
 */
export function parseManifestInto(pack: OpenedPack): void {
  const bytes = pack.manifestBytes;
  if (!bytes || pack.manifestParsed) return;
  pack.manifestParsed = true;
  if (!checkDepth(pack)) return;
  const problems = pack.problems;
  const text = utf8DecodeStrict(bytes);
  let json: unknown;
  let parsed = false;
  if (text !== undefined) {
    try {
      json = JSON.parse(text);
      parsed = true;
    } catch {
      /* reported below */
    }
  }
  if (!parsed) {
    problems.push(
      packProblem('pack.manifest-not-json', {
        zh: 'manifest.json 已损坏（不是有效的 UTF-8 JSON）。请重新复制或重新下载资源包。',
        en: 'manifest.json is damaged (not valid UTF-8 JSON). Copy or download the pack again.',
      }, MANIFEST_ENTRY),
    );
    return;
  }
  pack.manifestJson = json;
  if (!isCanonicalJsonText(text!)) {
    problems.push(
      packProblem('pack.manifest-not-canonical', {
        zh: 'manifest.json 不是规范 JSON（键顺序或空白不同），不是由 tpk build 生成的。请用 tpk build 重新打包。',
        en: 'manifest.json is not canonical JSON (key order or whitespace differ), so tpk build did not write it. Rebuild with tpk build.',
      }, MANIFEST_ENTRY),
    );
  }
  const v = validateManifest(json);
  if (v.ok) pack.manifest = v.manifest;
  else problems.push(...v.problems);
}

/**
 * Opens a pack: ZIP structure, manifest.json (parsed + validated) and manifest.sig (parsed).
 * Problems are collected, not thrown; an unreadable container yields `problems` and no manifest.
 */
export async function openPack(source: RandomAccessSource, options: OpenPackOptions = {}): Promise<OpenedPack> {
  const zip = await inspectZip(source, { localHeaders: options.localHeaders ?? 'eager' });
  const problems: PackProblem[] = [...zip.problems];
  const pack: OpenedPack = {
    source,
    entries: zip.entries,
    problems,
    manifestParsed: false,
    blobEntry: (sha) => zip.get(blobEntryName(sha)),
    entry: (name) => zip.get(name),
    locate: (entry) => zip.locate(entry),
    locateAll: (entries) => zip.locateAll(entries),
  };
  const maxManifest = options.maxManifestBytes ?? MAX_MANIFEST_BYTES;
  const inflate = options.inflateRaw ?? defaultInflateRaw;
  const containerUnreadable = zip.entries.length === 0 && zip.problems.length > 0;
  if (containerUnreadable) return pack;

  // --- manifest.json
  const me = zip.get(MANIFEST_ENTRY);
  if (!me) {
    problems.push(
      packProblem('pack.manifest-missing', {
        zh: '资源包中没有 manifest.json，不是有效的资源包。请使用 tpk build 生成的 .tpk 文件。',
        en: 'The pack has no manifest.json, so it is not a valid pack. Use a .tpk file made by tpk build.',
      }, MANIFEST_ENTRY),
    );
  } else if (me.uncompressedSize > maxManifest) {
    problems.push(manifestTooLarge(me.uncompressedSize, maxManifest));
  } else {
    try {
      const { bytes, crcOk } = await readEntryBytes(source, await zip.locate(me), inflate);
      pack.manifestBytes = bytes;
      if (!crcOk) problems.push(crcProblem(MANIFEST_ENTRY));
      if ((options.manifest ?? 'parse') === 'parse') parseManifestInto(pack);
    } catch (err) {
      problems.push(...problemsFromError(err).map((p) => ({ ...p, path: p.path ?? MANIFEST_ENTRY })));
    }
  }

  // --- manifest.sig
  const se = zip.get(SIGNATURE_ENTRY);
  if (!se) {
    problems.push(
      packProblem('pack.signature-missing', {
        zh: '资源包没有签名（缺少 manifest.sig），无法确认来源，已拒绝。请向县电教馆索取已签名的资源包。',
        en: 'The pack is not signed (manifest.sig is missing), so its origin cannot be checked and it is rejected. Ask the county for a signed pack.',
      }, SIGNATURE_ENTRY),
    );
  } else if (se.uncompressedSize > 64 * 1024) {
    problems.push(packProblem('pack.signature-malformed', { zh: 'manifest.sig 过大，不是有效的签名文件。请重新复制资源包。', en: 'manifest.sig is too large to be a signature file. Copy the pack again.' }, SIGNATURE_ENTRY));
  } else {
    try {
      const { bytes, crcOk } = await readEntryBytes(source, await zip.locate(se), inflate);
      pack.signatureBytes = bytes;
      if (!crcOk) problems.push(crcProblem(SIGNATURE_ENTRY));
      const sig = parseSignatureFile(bytes);
      if (sig.ok) pack.signature = sig.signature;
      else problems.push(...sig.problems);
    } catch (err) {
      problems.push(...problemsFromError(err).map((p) => ({ ...p, path: p.path ?? SIGNATURE_ENTRY })));
    }
  }
  return pack;
}

export interface HashResult {
  sha256: string;
  /** Bytes hashed (uncompressed). */
  size: number;
}

/** Hashes an entry's uncompressed content. Throwing means the entry could not be read/inflated. */
export type HashEntry = (entry: ZipEntry) => Promise<HashResult>;

/** Default HashEntry: @noble/hashes sha256 over 1 MiB reads; DEFLATE via DecompressionStream. */
export function nobleHashEntry(source: RandomAccessSource, chunkSize = 1024 * 1024): HashEntry {
  return async (entry) => {
    assertLocated(entry);
    const h = sha256.create();
    let size = 0;
    async function* raw() {
      for (let o = 0; o < entry.compressedSize; o += chunkSize) {
        yield await source.read(entry.dataOffset + o, Math.min(chunkSize, entry.compressedSize - o));
      }
    }
    if (entry.method === 0) {
      for await (const c of raw()) {
        h.update(c);
        size += c.length;
      }
    } else {
      await inflateRawStreaming(raw(), (c) => {
        h.update(c);
        size += c.length;
      });
    }
    return { sha256: toHex(h.digest()), size };
  };
}

export interface VerifyPackOptions {
  trustedRoots: readonly PublicKeyFile[];
  /** Revocation lists as published by the province (invalid ones are reported and ignored). */
  revocations?: readonly unknown[];
  now: Date;
  ed25519?: Ed25519;
  /** Default: nobleHashEntry(pack.source). */
  hashEntry?: HashEntry;
  /**
   * 'hash' (default): every referenced blob is located (local header checked), read and hashed
   * (sha256 and uncompressed size compared with the manifest).
   * 'presence-and-size': blobs are only checked against the central directory (present, declared
   * size) — neither located nor read. Only for a caller that itself locates (`pack.locate`) and
   * hashes every blob before it becomes visible, refusing on any mismatch: the importer, which
   * hashes each blob while copying it (verify-then-move) and checks the local headers of blobs it
   * already has. `ok` then means "everything except blob contents and their local headers".
   * 'none': no blob is looked for at all — only for verifySignedManifest (a manifest fetched on
   * its own, whose blobs the downloader hashes one by one before they become visible).
   */
  blobs?: 'hash' | 'presence-and-size' | 'none';
  /** Called after each blob is checked (for progress bars). */
  onProgress?: (p: { bytesDone: number; bytesTotal: number; blobsDone: number; blobsTotal: number }) => void;
  /** Hash this many blobs at a time (default 2). */
  concurrency?: number;
}

export interface PackVerification {
  ok: boolean;
  problems: PackProblem[];
  manifest?: PackManifest;
  /** Who signed it, when the signature and certificate chain check out. */
  signer?: { keyId: string; name: string; certificate: Certificate };
}

/** Largest `publisher` member read out of an unparsed manifest (a certificate is ~1 KB). */
const MAX_PUBLISHER_BYTES = 64 * 1024;
/** An unverified manifest up to this size is still parsed, only to report its problems too. */
const DIAGNOSE_UNSIGNED_BYTES = 1024 * 1024;

/**
 * Full verification: container, schema, signature over the exact manifest bytes, certificate
 * chain (trusted root, validity at `now`, revocations), every referenced blob (present, size,
 * sha256) and no unexpected entries. Returns every problem found.
 */
export async function verifyPackContents(pack: OpenedPack, options: VerifyPackOptions): Promise<PackVerification> {
  const ed = options.ed25519 ?? nobleEd25519;
  const sigProblems: PackProblem[] = [];
  const result: PackVerification = { ok: false, problems: [] };

  // --- signature + chain over the raw manifest bytes, BEFORE they are parsed (possible even when
  // the schema fails): the certificate is the one small member read out of the unparsed bytes.
  const unparsed = !pack.manifestParsed;
  const publisher = pack.manifestJson !== undefined
    ? (pack.manifestJson as { publisher?: { certificate?: unknown } } | null)?.publisher
    : pack.manifestBytes ? (parseTopLevelMember(pack.manifestBytes, 'publisher', MAX_PUBLISHER_BYTES) as { certificate?: unknown } | undefined) : undefined;
  const certParse = Certificate.safeParse(publisher?.certificate);
  let signatureOk = false;
  let chainOk = false;
  if (pack.manifestBytes && pack.signature && certParse.success) {
    const cert = certParse.data;
    if (pack.signature.keyId !== cert.subject.keyId) {
      sigProblems.push(
        packProblem('pack.key-mismatch', {
          zh: `签名使用的密钥 ${pack.signature.keyId} 与清单中发布者证书的密钥 ${cert.subject.keyId} 不一致，已拒绝。请让县电教馆用证书对应的私钥重新签名。`,
          en: `The signature was made with key ${pack.signature.keyId}, but the manifest's publisher certificate is for key ${cert.subject.keyId}; rejected. Ask the county to re-sign with the certified key.`,
        }, 'manifest.sig#keyId', { signatureKeyId: pack.signature.keyId, certificateKeyId: cert.subject.keyId }),
      );
    } else if (!(await verifyManifestSignature(pack.manifestBytes, pack.signature, fromBase64(cert.subject.publicKey)!, ed))) {
      sigProblems.push(
        packProblem('pack.bad-signature', {
          zh: `资源包签名无效：manifest.json 在签名后被改动，或签名已损坏。不要导入；请重新复制资源包，或联系发布者“${cert.subject.name}”。`,
          en: `Invalid pack signature: manifest.json was changed after signing, or the signature is damaged. Do not import; copy the pack again or contact the publisher "${cert.subject.name}".`,
        }, SIGNATURE_ENTRY, { keyId: pack.signature.keyId }),
      );
    } else signatureOk = true;
    const chain = await verifyCertificateChain(cert, options.trustedRoots, { now: options.now, revocations: options.revocations ?? [], ed25519: ed });
    sigProblems.push(...chain);
    chainOk = chain.length === 0;
    if (signatureOk && chainOk) result.signer = { keyId: cert.subject.keyId, name: cert.subject.name, certificate: cert };
  } else if (pack.manifestBytes && pack.signature && !certParse.success && (unparsed || (pack.manifestJson !== undefined && pack.manifest === undefined))) {
    // the schema problems already name publisher.certificate; say explicitly that trust could not be checked
    sigProblems.push(
      packProblem('pack.bad-signature', {
        zh: '无法验证签名：清单中的发布者证书缺失或无效。请向县电教馆索取重新签名的资源包。',
        en: 'The signature cannot be checked: the publisher certificate in the manifest is missing or invalid. Ask the county for a re-signed pack.',
      }, 'publisher.certificate'),
    );
  }

  // Parse only what a trusted signer vouched for — or a small manifest, to name more problems.
  if (unparsed && ((signatureOk && chainOk) || (pack.manifestBytes?.length ?? 0) <= DIAGNOSE_UNSIGNED_BYTES)) parseManifestInto(pack);
  else if (unparsed && pack.manifestBytes) checkDepth(pack); // one pass over the bytes, no objects
  const problems: PackProblem[] = [...pack.problems, ...sigProblems];
  result.problems = problems;
  if (pack.manifest) result.manifest = pack.manifest;

  // --- entries: expected = manifest.json, manifest.sig, blobs the manifest references
  const expected = new Set<string>([MANIFEST_ENTRY, SIGNATURE_ENTRY]);
  const manifest = pack.manifest;
  if (manifest) {
    const firstPath = new Map<string, string>();
    forEachBlobRef(manifest, (b, path) => {
      if (!firstPath.has(b.sha256)) firstPath.set(b.sha256, path);
    });
    const refs = options.blobs === 'none' ? [] : manifestBlobs(manifest);
    for (const b of refs) expected.add(blobEntryName(b.sha256));
    const toHash: { ref: (typeof refs)[number]; entry: ZipEntry }[] = [];
    for (const ref of refs) {
      const name = blobEntryName(ref.sha256);
      const entry = pack.blobEntry(ref.sha256);
      const path = firstPath.get(ref.sha256);
      if (!entry) {
        problems.push(
          packProblem('pack.missing-blob', {
            zh: `资源包缺少文件 ${name}（${path} 引用了它）。资源包不完整，请重新复制或让县电教馆重新打包。`,
            en: `The pack lacks ${name} (referenced by ${path}). The pack is incomplete; copy it again or ask the county to rebuild it.`,
          }, path, { sha256: ref.sha256, entry: name }),
        );
      } else if (entry.uncompressedSize !== ref.size) {
        problems.push(
          packProblem('pack.blob-size-mismatch', {
            zh: `${name} 的大小是 ${entry.uncompressedSize} 字节，但清单（${path}）记录为 ${ref.size} 字节。资源包已损坏，请重新复制。`,
            en: `${name} is ${entry.uncompressedSize} bytes but the manifest (${path}) says ${ref.size}. The pack is damaged; copy it again.`,
          }, path, { sha256: ref.sha256, expected: ref.size, actual: entry.uncompressedSize }),
        );
      } else toHash.push({ ref, entry });
    }

    const hashEntry = options.hashEntry ?? nobleHashEntry(pack.source);
    if (options.blobs === 'presence-and-size') toHash.length = 0;
    const bytesTotal = toHash.reduce((n, t) => n + t.ref.size, 0);
    let bytesDone = 0;
    let blobsDone = 0;
    let next = 0;
    const worker = async () => {
      while (next < toHash.length) {
        const { ref, entry } = toHash[next++]!;
        const path = firstPath.get(ref.sha256);
        let located = false;
        try {
          await pack.locate(entry);
          located = true;
          const h = await hashEntry(entry);
          if (h.size !== ref.size) {
            problems.push(
              packProblem('pack.blob-size-mismatch', {
                zh: `${entry.name} 解压后是 ${h.size} 字节，而不是 ${ref.size} 字节。资源包已损坏，请重新复制。`,
                en: `${entry.name} decompresses to ${h.size} bytes, not ${ref.size}. The pack is damaged; copy it again.`,
              }, path, { sha256: ref.sha256, expected: ref.size, actual: h.size }),
            );
          } else if (h.sha256 !== ref.sha256) {
            problems.push(
              packProblem('pack.blob-hash-mismatch', {
                zh: `${entry.name} 的内容与清单不符（sha256 校验失败），文件被改动或在复制中损坏。请重新复制或重新下载资源包。`,
                en: `${entry.name} does not match the manifest (sha256 mismatch): it was altered or damaged in transit. Copy or download the pack again.`,
              }, path, { expected: ref.sha256, actual: h.sha256 }),
            );
          }
        } catch (err) {
          const text = err instanceof Error ? err.message : String(err);
          if (!located && err instanceof TeachPointError) problems.push(...problemsFromError(err));
          else problems.push(
            packProblem('pack.blob-unreadable', {
              zh: `无法读取 ${entry.name}（${text}）。资源包可能已损坏，或 U 盘被拔出。请重新复制后再试。`,
              en: `Could not read ${entry.name} (${text}). The pack may be damaged or the USB stick was removed. Copy it again and retry.`,
            }, path, { sha256: ref.sha256 }),
          );
        }
        bytesDone += ref.size;
        blobsDone++;
        options.onProgress?.({ bytesDone, bytesTotal, blobsDone, blobsTotal: toHash.length });
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, options.concurrency ?? 2) }, worker));
  }

  for (const e of pack.entries) {
    if (expected.has(e.name)) continue;
    // Without a valid manifest we cannot tell which blobs belong; only flag what can never belong.
    if (!manifest && /^blobs\/[0-9a-f]{64}$/.test(e.name)) continue;
    problems.push(
      packProblem('pack.unexpected-entry', {
        zh: `资源包含有清单之外的条目“${e.name}”，可能被人改动过，已拒绝。请使用 tpk build 生成的原始资源包。`,
        en: `The pack contains "${e.name}", which the manifest does not list; it may have been tampered with and is rejected. Use the original pack made by tpk build.`,
      }, e.name),
    );
  }

  result.ok = problems.length === 0 && !!manifest && signatureOk && chainOk;
  return result;
}

const NO_CONTAINER: RandomAccessSource = { size: 0, read: () => Promise.reject(new Error('a manifest fetched on its own has no container')) };

/**
 * Verify a manifest fetched on its own (a cloud download: `manifest` + `manifest.sig` routes)
 * exactly as verifyPackContents verifies it inside a `.tpk`: signature over the exact bytes and
 * certificate chain first, then canonical form and schema — with no container and no blobs. The
 * caller must hash every blob before it becomes visible (the downloader does, verify-then-move).
 */
export async function verifySignedManifest(
  manifestBytes: Uint8Array,
  signatureBytes: Uint8Array,
  options: Omit<VerifyPackOptions, 'blobs' | 'hashEntry' | 'onProgress' | 'concurrency'>,
): Promise<PackVerification> {
  const pack: OpenedPack = {
    source: NO_CONTAINER,
    entries: [],
    problems: [],
    manifestParsed: false,
    blobEntry: () => undefined,
    entry: () => undefined,
    locate: (entry) => Promise.resolve(entry),
    locateAll: () => Promise.resolve(),
  };
  if (manifestBytes.length > MAX_MANIFEST_BYTES) pack.problems.push(manifestTooLarge(manifestBytes.length, MAX_MANIFEST_BYTES));
  else pack.manifestBytes = manifestBytes;
  pack.signatureBytes = signatureBytes;
  const sig = parseSignatureFile(signatureBytes);
  if (sig.ok) pack.signature = sig.signature;
  else pack.problems.push(...sig.problems);
  return verifyPackContents(pack, { ...options, blobs: 'none' });
}
