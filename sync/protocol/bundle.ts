/**
 * USB bundles (docs/sync-protocol.md §7, docs/bundles.md): the push/pull exchange carried on a
 * stick when a school has no network. Browser-safe (zod + @noble/hashes + the pack format's
 * Ed25519/trust code), so the device host, the renderer and the cloud all read the same format.
 *
 * - **Progress bundle** (device → cloud), `*.tpbundle`: UTF-8 JSON lines — a header, one
 *   `PushRequest` per line, and a trailer holding HMAC-SHA256 over every byte before it, keyed with
 *   SHA-256(device token). The cloud stores exactly that hash (it looks devices up by it), so it can
 *   check which enrolled device made the file and that not one byte changed, without ever holding
 *   the token. A file cut short has no trailer and is refused as incomplete.
 * - **Inbound bundle** (county → school), `*.tpinbound`: one line of canonical JSON (school, a
 *   `PullResponse`-shaped records page, the packs that travel next to it, acks of progress bundles
 *   the cloud ingested) and one line `teachpoint-signature/1` — Ed25519 over the exact bytes of the
 *   first line by a county publisher key whose certificate (province root → county) is in the body.
 */
import { hmac } from '@noble/hashes/hmac';
import { sha256 } from '@noble/hashes/sha256';
import { z } from 'zod';
import { TeachPointError, type LocalizedText } from '../../common/errors/errors';
import { canonicalBytes } from '../../content-packs/format/canonical';
import { type Ed25519, nobleEd25519 } from '../../content-packs/format/ed25519';
import { concatBytes, fromBase64, toHex, utf8DecodeStrict, utf8Encode } from '../../content-packs/format/encoding';
import { type PackProblem, packProblem } from '../../content-packs/format/problems';
import { SignatureFile, signManifest } from '../../content-packs/format/signature';
import { Certificate, type PrivateKeyFile, type PublicKeyFile, verifyCertificateChain } from '../../content-packs/format/trust';
import { IsoTime } from './common';
import { SchoolRefSchema } from './enroll';
import { PullResponseSchema } from './pull';
import { PushRequestSchema } from './push';

export const PROGRESS_BUNDLE_FORMAT = 'teachpoint-progress-bundle/1';
export const INBOUND_BUNDLE_FORMAT = 'teachpoint-inbound-bundle/1';
export const PROGRESS_BUNDLE_EXTENSION = '.tpbundle';
export const INBOUND_BUNDLE_EXTENSION = '.tpinbound';

/** Largest bundle file either side reads (a school year of events is a few MB). */
export const BUNDLE_MAX_BYTES = 256 * 1024 * 1024;
export const BUNDLE_MAX_BATCHES = 10_000;

const Id = z.string().min(1).max(128);

export const ProgressBundleHeaderSchema = z.object({
  format: z.literal(PROGRESS_BUNDLE_FORMAT),
  /** UUIDv7 made by the device; the cloud remembers which bundles it ingested (acks, dashboard). */
  bundleId: Id,
  deviceId: Id,
  school: z.object({ id: Id, name: z.string().max(200) }),
  createdAt: IsoTime,
  appVersion: z.string().max(64).optional(),
  /** Number of PushRequest lines that follow. */
  batches: z.number().int().min(0).max(BUNDLE_MAX_BATCHES),
  /** Events + records in all batches (shown before ingest). */
  items: z.number().int().min(0),
});
export type ProgressBundleHeader = z.infer<typeof ProgressBundleHeaderSchema>;

const ProgressTrailerSchema = z.object({ alg: z.literal('hmac-sha256'), mac: z.string().regex(/^[0-9a-f]{64}$/) }).strict();

function bundleError(code: string, message: LocalizedText, details?: Record<string, unknown>): TeachPointError {
  return new TeachPointError(code, message, details);
}

const incomplete = () =>
  bundleError('bundle.incomplete', {
    zh: '这个进度包不完整（可能在写入时拔出了U盘）。请在学校电脑上重新导出进度包。',
    en: 'This progress bundle is incomplete (the stick may have been pulled out while it was written). Export the bundle again on the school computer.',
  });

const malformed = (what: string) =>
  bundleError(
    'bundle.malformed',
    {
      zh: `这个文件不是有效的教学点课堂同步包（${what}）。请使用应用导出的原始文件，不要改动它。`,
      en: `This file is not a valid TeachPoint bundle (${what}). Use the file exactly as the app wrote it.`,
    },
    { issue: what },
  );

/** The HMAC key for a device's progress bundles: SHA-256 of its token (what the cloud stores, as hex). */
export function progressBundleKey(token: string): Uint8Array {
  return sha256(utf8Encode(token));
}

function macOf(key: Uint8Array, signed: Uint8Array): string {
  return toHex(hmac(sha256, key, signed));
}

/** The header line (with its newline). */
export function progressBundleHeaderLine(header: ProgressBundleHeader): Uint8Array {
  return utf8Encode(JSON.stringify(ProgressBundleHeaderSchema.parse(header)) + '\n');
}

/** One batch line. JSON.stringify escapes every control character, so a line never holds a raw newline. */
export function progressBundleBatchLine(batch: unknown): Uint8Array {
  return utf8Encode(JSON.stringify(batch) + '\n');
}

/**
 * Streams a progress bundle: feed every line through `add` (it returns the bytes to write), then
 * write `trailer()`. Lets the host write batches to the stick as the renderer hands them over.
 */
export class ProgressBundleSealer {
  private readonly mac: ReturnType<typeof hmac.create>;
  constructor(key: Uint8Array) {
    this.mac = hmac.create(sha256, key);
  }
  add(line: Uint8Array): Uint8Array {
    this.mac.update(line);
    return line;
  }
  trailer(): Uint8Array {
    return utf8Encode(JSON.stringify({ alg: 'hmac-sha256', mac: toHex(this.mac.digest()) }) + '\n');
  }
}

/** A whole bundle in memory (tests, small exports): header + batches + trailer. `key` = progressBundleKey(token). */
export function encodeProgressBundle(header: ProgressBundleHeader, batches: readonly unknown[], key: Uint8Array): Uint8Array {
  if (header.batches !== batches.length) throw new Error(`header says ${header.batches} batches, got ${batches.length}`);
  const sealer = new ProgressBundleSealer(key);
  const parts = [sealer.add(progressBundleHeaderLine(header)), ...batches.map((b) => sealer.add(progressBundleBatchLine(b)))];
  return concatBytes([...parts, sealer.trailer()]);
}

export interface ParsedProgressBundle {
  header: ProgressBundleHeader;
  /** Each batch checked against the push envelope (items are checked one by one at ingest). */
  batches: z.output<typeof PushRequestSchema>[];
  /** The bytes the MAC covers. */
  signed: Uint8Array;
  mac: string;
}

/**
 * Parses a progress bundle without trusting it: shape only. Call `progressBundleMacOk` with the
 * device's key before acting on anything in it.
 */
export function parseProgressBundle(bytes: Uint8Array): ParsedProgressBundle {
  if (bytes.length > BUNDLE_MAX_BYTES) throw malformed(`larger than ${BUNDLE_MAX_BYTES} bytes`);
  if (bytes.length === 0 || bytes[bytes.length - 1] !== 0x0a) throw incomplete();
  const lastStart = bytes.lastIndexOf(0x0a, bytes.length - 2) + 1;
  const signed = bytes.subarray(0, lastStart);
  const trailerText = utf8DecodeStrict(bytes.subarray(lastStart, bytes.length - 1));
  let trailer: z.infer<typeof ProgressTrailerSchema>;
  try {
    trailer = ProgressTrailerSchema.parse(JSON.parse(trailerText ?? ''));
  } catch {
    throw incomplete();
  }
  const text = utf8DecodeStrict(signed);
  if (text === undefined) throw malformed('not UTF-8');
  const lines = text.split('\n');
  lines.pop(); // after the last '\n'
  const json = (line: string, what: string): unknown => {
    try {
      return JSON.parse(line);
    } catch {
      throw malformed(`${what} is not JSON`);
    }
  };
  const header = ProgressBundleHeaderSchema.safeParse(json(lines[0] ?? '', 'header'));
  if (!header.success) throw malformed(`header: ${header.error.issues[0]?.message ?? 'invalid'}`);
  if (lines.length - 1 !== header.data.batches) throw malformed(`header announces ${header.data.batches} batches, file holds ${lines.length - 1}`);
  const batches = lines.slice(1).map((line, i) => {
    const r = PushRequestSchema.safeParse(json(line, `batch ${i + 1}`));
    if (!r.success) throw malformed(`batch ${i + 1}: ${r.error.issues[0]?.path.join('.') ?? ''} ${r.error.issues[0]?.message ?? 'invalid'}`);
    return r.data;
  });
  return { header: header.data, batches, signed, mac: trailer.mac };
}

/** Constant-time MAC check of a parsed progress bundle. */
export function progressBundleMacOk(bundle: ParsedProgressBundle, key: Uint8Array): boolean {
  const expected = macOf(key, bundle.signed);
  let diff = expected.length ^ bundle.mac.length;
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ bundle.mac.charCodeAt(i);
  return diff === 0;
}

/** Summary an ingest answers with (CLI, admin route, dashboard). */
export const BundleIngestSummarySchema = z.object({
  bundleId: z.string(),
  deviceId: z.string(),
  schoolId: z.string(),
  batches: z.number().int().min(0),
  stored: z.number().int().min(0),
  duplicates: z.number().int().min(0),
  rejected: z.number().int().min(0),
  /** True when this bundle had been ingested before (then everything is a duplicate). */
  seenBefore: z.boolean(),
});
export type BundleIngestSummary = z.infer<typeof BundleIngestSummarySchema>;

// ───────────────────────────── inbound bundle ─────────────────────────────

export const InboundPackSchema = z.object({
  /** File name of the `.tpk` in the same folder as the `.tpinbound` file. */
  file: z.string().min(1).max(255).regex(/^[^/\\]+\.tpk$/i, 'a .tpk file name in the same folder'),
  packId: Id,
  version: z.number().int().min(0),
  /** sha256 of the pack's manifest.json bytes: binds the (itself signed) pack to this bundle. */
  manifestSha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
});
export type InboundPack = z.infer<typeof InboundPackSchema>;

export const InboundBundleBodySchema = z.object({
  format: z.literal(INBOUND_BUNDLE_FORMAT),
  bundleId: Id,
  school: SchoolRefSchema,
  createdAt: IsoTime,
  /** The cloud that made it (the device's pull cursor belongs to that server). */
  cloudUrl: z.string().max(2048),
  /** The school's records as one pull page from the beginning (cursor = where the device continues online). */
  pull: PullResponseSchema,
  packs: z.array(InboundPackSchema).max(1000),
  /** Progress bundles of this school's devices that the cloud has ingested: the device may clear what they carried. */
  acks: z.array(z.object({ deviceId: Id, bundleIds: z.array(Id).max(10_000) })).max(1000),
  /** County publisher certificate (province root → county key) of the key that signed this file. */
  certificate: Certificate,
});
export type InboundBundleBody = z.infer<typeof InboundBundleBodySchema>;

/** The file: canonical JSON body line + signature line (Ed25519 over the exact body-line bytes). */
export async function encodeInboundBundle(body: InboundBundleBody, key: PrivateKeyFile, ed: Ed25519 = nobleEd25519): Promise<Uint8Array> {
  if (body.certificate.subject.keyId !== key.keyId) throw new Error('the certificate is not for this key');
  const bodyBytes = canonicalBytes(InboundBundleBodySchema.parse(body));
  const signature = await signManifest(bodyBytes, key, ed);
  return concatBytes([bodyBytes, utf8Encode('\n'), canonicalBytes(signature), utf8Encode('\n')]);
}

export interface ParsedInboundBundle {
  body: InboundBundleBody;
  bodyBytes: Uint8Array;
  signature: SignatureFile;
}

export function parseInboundBundle(bytes: Uint8Array): ParsedInboundBundle {
  if (bytes.length > BUNDLE_MAX_BYTES) throw malformed(`larger than ${BUNDLE_MAX_BYTES} bytes`);
  const first = bytes.indexOf(0x0a);
  if (first < 0 || bytes[bytes.length - 1] !== 0x0a) throw incomplete();
  const bodyBytes = bytes.subarray(0, first);
  const sigText = utf8DecodeStrict(bytes.subarray(first + 1, bytes.length - 1));
  const bodyText = utf8DecodeStrict(bodyBytes);
  let bodyJson: unknown;
  let sigJson: unknown;
  try {
    bodyJson = JSON.parse(bodyText ?? '');
  } catch {
    throw malformed('body is not JSON');
  }
  try {
    sigJson = JSON.parse(sigText ?? '');
  } catch {
    throw incomplete();
  }
  const body = InboundBundleBodySchema.safeParse(bodyJson);
  if (!body.success) throw malformed(`${body.error.issues[0]?.path.join('.') ?? ''}: ${body.error.issues[0]?.message ?? 'invalid'}`);
  const signature = SignatureFile.safeParse(sigJson);
  if (!signature.success) throw malformed('signature line');
  return { body: body.data, bodyBytes, signature: signature.data };
}

/**
 * Signature over the exact body bytes by the certificate's key, and the certificate's chain to a
 * trusted province root (validity now, revocations). Empty list = authentic.
 */
export async function verifyInboundBundle(
  bundle: ParsedInboundBundle,
  trust: { trustedRoots: readonly PublicKeyFile[]; revocations?: readonly unknown[]; now: Date; ed25519?: Ed25519 },
): Promise<PackProblem[]> {
  const ed = trust.ed25519 ?? nobleEd25519;
  const cert = bundle.body.certificate;
  const problems = await verifyCertificateChain(cert, trust.trustedRoots, { now: trust.now, revocations: trust.revocations ?? [], ed25519: ed, path: 'certificate' });
  const signedByCert = cert.subject.keyId === bundle.signature.keyId;
  const ok = signedByCert && (await ed.verify(fromBase64(bundle.signature.signature)!, bundle.bodyBytes, fromBase64(cert.subject.publicKey)!));
  if (!ok) {
    problems.push(
      packProblem(
        'pack.bad-signature',
        {
          zh: '下发包的签名无效（文件被改动或损坏）。请勿导入；请县电教馆重新生成下发包。',
          en: 'The inbound bundle’s signature is invalid (the file was altered or damaged). Do not import it; ask county staff to make a new one.',
        },
        'signature',
      ),
    );
  }
  return problems;
}

/** A file-name part safe on FAT32/exFAT/NTFS sticks: no reserved characters, at most 60 chars. */
export function safeFileNamePart(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[<>:"/\\|?*\u0000-\u001f]+/g, '_').replace(/[. ]+$/, '').slice(0, 60) || '_';
}

/** `TeachPoint-进度-<school>-<yyyymmdd-hhmmss>.tpbundle` (local time of `at`). */
export function progressBundleFileName(schoolName: string, at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${at.getFullYear()}${p(at.getMonth() + 1)}${p(at.getDate())}-${p(at.getHours())}${p(at.getMinutes())}${p(at.getSeconds())}`;
  return `TeachPoint-进度-${safeFileNamePart(schoolName)}-${stamp}${PROGRESS_BUNDLE_EXTENSION}`;
}

/** `TeachPoint-下发-<school>-<yyyymmdd>.tpinbound`. */
export function inboundBundleFileName(schoolName: string, at: Date): string {
  return `TeachPoint-下发-${safeFileNamePart(schoolName)}-${at.toISOString().slice(0, 10).replace(/-/g, '')}${INBOUND_BUNDLE_EXTENSION}`;
}
