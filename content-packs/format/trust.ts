/**
 * Keys, certificates and revocation lists (the trust chain: province root key → county
 * publisher key → pack). All files are UTF-8 JSON; see docs/pack-format.md §5.
 *
 *   .pub   {type:'teachpoint-public-key/1', keyId, name, publicKey}
 *   .key   {type:'teachpoint-private-key/1', keyId, name, privateKey, publicKey}
 *   .cert  {type:'teachpoint-cert/1', subject:{keyId,name,publicKey}, issuerKeyId, notBefore, notAfter, signature}
 *   revocations {type:'teachpoint-revocations/1', issuerKeyId, issuedAt, revokedKeyIds[], signature}
 *
 * Keys are base64 (standard alphabet, padded) raw Ed25519 keys (32 bytes); signatures are base64
 * of 64 bytes. keyId = first 16 hex digits of sha256(raw public key). Certificates and revocation
 * lists are signed over canonicalJson(the object without its `signature` property).
 */
import { z } from 'zod';
import { sha256 } from '@noble/hashes/sha256';
import { TeachPointError } from '../../common/errors/errors';
import { formatZodPath, zodIssueLines } from '../../common/errors/zod-issues';
import { canonicalBytes } from './canonical';
import { type Ed25519, ed25519PublicKeyOf, nobleEd25519 } from './ed25519';
import { bytesEqual, fromBase64, toBase64, toHex, utf8DecodeStrict } from './encoding';
import { type PackProblem, packProblem } from './problems';

export const PUBLIC_KEY_TYPE = 'teachpoint-public-key/1';
export const PRIVATE_KEY_TYPE = 'teachpoint-private-key/1';
export const CERT_TYPE = 'teachpoint-cert/1';
export const REVOCATIONS_TYPE = 'teachpoint-revocations/1';

export const KeyIdSchema = z.string().regex(/^[0-9a-f]{16}$/, 'key id must be 16 lowercase hex digits');
const base64Bytes = (n: number) =>
  z.string().refine((s) => fromBase64(s)?.length === n, `must be standard padded base64 of exactly ${n} bytes`);
export const PublicKeyBase64 = base64Bytes(32);
export const SignatureBase64 = base64Bytes(64);
export const IsoDateTime = z.string().datetime({ offset: true, message: 'must be an ISO 8601 date-time with time zone, e.g. 2025-09-01T00:00:00Z' });
const KeyName = z.string().min(1).max(200);

function keyIdMatches(v: { keyId: string; publicKey: string }, ctx: z.RefinementCtx): void {
  const pub = fromBase64(v.publicKey);
  if (pub && keyIdOf(pub) !== v.keyId) {
    ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['keyId'], message: `keyId does not match publicKey (expected ${keyIdOf(pub)})` });
  }
}

export const KeySubject = z.object({ keyId: KeyIdSchema, name: KeyName, publicKey: PublicKeyBase64 }).strict().superRefine(keyIdMatches);
export type KeySubject = z.infer<typeof KeySubject>;

export const PublicKeyFile = z
  .object({ type: z.literal(PUBLIC_KEY_TYPE), keyId: KeyIdSchema, name: KeyName, publicKey: PublicKeyBase64 })
  .strict()
  .superRefine(keyIdMatches);
export type PublicKeyFile = z.infer<typeof PublicKeyFile>;

export const PrivateKeyFile = z
  .object({ type: z.literal(PRIVATE_KEY_TYPE), keyId: KeyIdSchema, name: KeyName, privateKey: PublicKeyBase64, publicKey: PublicKeyBase64 })
  .strict()
  .superRefine(keyIdMatches)
  .superRefine((v, ctx) => {
    const priv = fromBase64(v.privateKey);
    const pub = fromBase64(v.publicKey);
    if (priv && pub && !bytesEqual(ed25519PublicKeyOf(priv), pub)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['publicKey'], message: 'publicKey is not the public key of privateKey' });
    }
  });
export type PrivateKeyFile = z.infer<typeof PrivateKeyFile>;

export const Certificate = z
  .object({
    type: z.literal(CERT_TYPE),
    subject: KeySubject,
    issuerKeyId: KeyIdSchema,
    notBefore: IsoDateTime,
    notAfter: IsoDateTime,
    signature: SignatureBase64,
  })
  .strict()
  .superRefine((v, ctx) => {
    if (Date.parse(v.notBefore) >= Date.parse(v.notAfter)) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['notAfter'], message: 'notAfter must be later than notBefore' });
    }
  });
export type Certificate = z.infer<typeof Certificate>;

export const RevocationList = z
  .object({
    type: z.literal(REVOCATIONS_TYPE),
    issuerKeyId: KeyIdSchema,
    issuedAt: IsoDateTime,
    revokedKeyIds: z.array(KeyIdSchema),
    signature: SignatureBase64,
  })
  .strict();
export type RevocationList = z.infer<typeof RevocationList>;

/** First 16 hex digits of sha256(raw 32-byte public key). */
export function keyIdOf(publicKey: Uint8Array): string {
  return toHex(sha256(publicKey)).slice(0, 16);
}

/** A new key pair as the two files `tpk keygen` writes (`<name>.key` must be saved with mode 0600). */
export async function createKeyFiles(name: string, ed: Ed25519 = nobleEd25519): Promise<{ publicKeyFile: PublicKeyFile; privateKeyFile: PrivateKeyFile }> {
  const { publicKey, privateKey } = await ed.generateKeyPair();
  const keyId = keyIdOf(publicKey);
  return {
    publicKeyFile: { type: PUBLIC_KEY_TYPE, keyId, name, publicKey: toBase64(publicKey) },
    privateKeyFile: { type: PRIVATE_KEY_TYPE, keyId, name, privateKey: toBase64(privateKey), publicKey: toBase64(publicKey) },
  };
}

export function publicKeyFileOf(key: PrivateKeyFile | PublicKeyFile | Certificate['subject']): PublicKeyFile {
  return { type: PUBLIC_KEY_TYPE, keyId: key.keyId, name: key.name, publicKey: key.publicKey };
}

/** Pretty JSON + trailing newline: how every key/cert/revocation file is written to disk. */
export function formatTrustFile(value: PublicKeyFile | PrivateKeyFile | Certificate | RevocationList): string {
  return JSON.stringify(value, null, 2) + '\n';
}

type FileKind = 'public-key' | 'private-key' | 'certificate' | 'revocations';
const KIND_NAMES: Record<FileKind, { zh: string; en: string; schema: z.ZodTypeAny }> = {
  'public-key': { zh: '公钥文件（.pub）', en: 'public key file (.pub)', schema: PublicKeyFile },
  'private-key': { zh: '私钥文件（.key）', en: 'private key file (.key)', schema: PrivateKeyFile },
  certificate: { zh: '证书文件（.cert）', en: 'certificate file (.cert)', schema: Certificate },
  revocations: { zh: '吊销列表', en: 'revocation list', schema: RevocationList },
};

function parseTrustFile<T>(kind: FileKind, input: string | Uint8Array, source?: string): T {
  const names = KIND_NAMES[kind];
  const where = source ? `${source}: ` : '';
  const text = typeof input === 'string' ? input : utf8DecodeStrict(input);
  let value: unknown;
  try {
    if (text === undefined) throw new Error('not UTF-8');
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new TeachPointError(
      'trust.malformed-file',
      { zh: `${where}不是有效的${names.zh}：不是 UTF-8 JSON。请使用 tpk 生成的原始文件。`, en: `${where}not a valid ${names.en}: not UTF-8 JSON. Use the file exactly as tpk wrote it.` },
      source ? { file: source } : undefined,
    );
  }
  const parsed = names.schema.safeParse(value);
  if (!parsed.success) {
    const issues = zodIssueLines(parsed.error.issues);
    throw new TeachPointError(
      'trust.malformed-file',
      { zh: `${where}不是有效的${names.zh}：${issues.join('; ')}。请使用 tpk 生成的原始文件。`, en: `${where}not a valid ${names.en}: ${issues.join('; ')}. Use the file exactly as tpk wrote it.` },
      { issues, ...(source ? { file: source } : {}) },
    );
  }
  return parsed.data as T;
}

export const parsePublicKeyFile = (input: string | Uint8Array, source?: string): PublicKeyFile => parseTrustFile('public-key', input, source);
export const parsePrivateKeyFile = (input: string | Uint8Array, source?: string): PrivateKeyFile => parseTrustFile('private-key', input, source);
export const parseCertificate = (input: string | Uint8Array, source?: string): Certificate => parseTrustFile('certificate', input, source);
export const parseRevocationList = (input: string | Uint8Array, source?: string): RevocationList => parseTrustFile('revocations', input, source);

function toIso(t: Date | string): string {
  const d = typeof t === 'string' ? new Date(t) : t;
  if (Number.isNaN(d.getTime())) throw new TeachPointError('trust.bad-date', { zh: `无效日期：${String(t)}。请使用 YYYY-MM-DD 格式。`, en: `Invalid date: ${String(t)}. Use YYYY-MM-DD.` });
  return d.toISOString();
}

function withoutSignature<T extends { signature: string }>(v: T): Omit<T, 'signature'> {
  const { signature: _ignored, ...rest } = v;
  return rest;
}

/** The root (issuer) certifies a county publisher key (subject) for [notBefore, notAfter]. */
export async function issueCertificate(
  options: { issuer: PrivateKeyFile; subject: PublicKeyFile; notBefore: Date | string; notAfter: Date | string },
  ed: Ed25519 = nobleEd25519,
): Promise<Certificate> {
  const body = {
    type: CERT_TYPE,
    subject: { keyId: options.subject.keyId, name: options.subject.name, publicKey: options.subject.publicKey },
    issuerKeyId: options.issuer.keyId,
    notBefore: toIso(options.notBefore),
    notAfter: toIso(options.notAfter),
  } as const;
  if (Date.parse(body.notBefore) >= Date.parse(body.notAfter)) {
    throw new TeachPointError('trust.bad-date', { zh: '证书的到期时间必须晚于生效时间。', en: 'The certificate must expire after it becomes valid.' });
  }
  const sig = await ed.sign(canonicalBytes(body), fromBase64(options.issuer.privateKey)!);
  return Certificate.parse({ ...body, signature: toBase64(sig) });
}

/** The province root publishes the key ids it no longer trusts. */
export async function issueRevocationList(
  options: { issuer: PrivateKeyFile; revokedKeyIds: readonly string[]; issuedAt?: Date | string },
  ed: Ed25519 = nobleEd25519,
): Promise<RevocationList> {
  const body = {
    type: REVOCATIONS_TYPE,
    issuerKeyId: options.issuer.keyId,
    issuedAt: toIso(options.issuedAt ?? new Date()),
    revokedKeyIds: [...new Set(options.revokedKeyIds)].sort(),
  } as const;
  const sig = await ed.sign(canonicalBytes(body), fromBase64(options.issuer.privateKey)!);
  return RevocationList.parse({ ...body, signature: toBase64(sig) });
}

export interface ChainOptions {
  now: Date;
  revocations?: readonly unknown[];
  ed25519?: Ed25519;
  /** Prefix for problem paths; default `publisher.certificate`. */
  path?: string;
}

/** Checks one revocation list; returns the problems (empty = valid and usable). */
export async function verifyRevocationList(list: unknown, trustedRoots: readonly PublicKeyFile[], ed: Ed25519 = nobleEd25519, index = 0): Promise<PackProblem[]> {
  const path = `revocations[${index}]`;
  const parsed = RevocationList.safeParse(list);
  if (!parsed.success) {
    return [
      packProblem('pack.bad-revocation-list', {
        zh: `第 ${index + 1} 个吊销列表格式无效（${parsed.error.issues[0]?.message ?? ''}），已忽略。请从省级平台重新获取吊销列表。`,
        en: `Revocation list #${index + 1} is malformed (${parsed.error.issues[0]?.message ?? ''}) and was ignored. Fetch the revocation list from the provincial platform again.`,
      }, path),
    ];
  }
  const rl = parsed.data;
  const root = trustedRoots.find((r) => r.keyId === rl.issuerKeyId);
  if (!root) {
    return [
      packProblem('pack.bad-revocation-list', {
        zh: `吊销列表由未受信任的密钥 ${rl.issuerKeyId} 签发，已忽略。请确认已登记正确的省级根公钥。`,
        en: `The revocation list was issued by untrusted key ${rl.issuerKeyId} and was ignored. Check that the right provincial root key is enrolled.`,
      }, path, { issuerKeyId: rl.issuerKeyId }),
    ];
  }
  const ok = await ed.verify(fromBase64(rl.signature)!, canonicalBytes(withoutSignature(rl)), fromBase64(root.publicKey)!);
  if (!ok) {
    return [
      packProblem('pack.bad-revocation-list', {
        zh: '吊销列表的签名无效（文件被改动或损坏），已忽略。请从省级平台重新获取吊销列表。',
        en: 'The revocation list signature is invalid (the file was altered or damaged) and was ignored. Fetch it from the provincial platform again.',
      }, path),
    ];
  }
  return [];
}

/**
 * Province root → county certificate. Validity is checked against `now` (the verification time),
 * not the pack's self-declared createdAt, so a stolen expired key cannot back-date packs.
 */
export async function verifyCertificateChain(cert: unknown, trustedRoots: readonly PublicKeyFile[], options: ChainOptions): Promise<PackProblem[]> {
  const ed = options.ed25519 ?? nobleEd25519;
  const base = options.path ?? 'publisher.certificate';
  const problems: PackProblem[] = [];
  const parsed = Certificate.safeParse(cert);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const p = formatZodPath(issue.path);
      problems.push(
        packProblem('pack.cert-malformed', {
          zh: `发布者证书格式无效：${p || '(根)'}：${issue.message}。请用 tpk certify 重新签发证书后重新打包。`,
          en: `The publisher certificate is malformed: ${p || '(root)'}: ${issue.message}. Issue a new certificate with tpk certify and rebuild the pack.`,
        }, p ? `${base}.${p}` : base),
      );
    }
    return problems;
  }
  const c = parsed.data;
  const root = trustedRoots.find((r) => r.keyId === c.issuerKeyId);
  if (!root) {
    problems.push(
      packProblem('pack.unknown-key', {
        zh: `证书签发者密钥 ${c.issuerKeyId} 不是受信任的根密钥。请确认资源包来自本省，或让管理员登记该省级根公钥。`,
        en: `The certificate issuer key ${c.issuerKeyId} is not a trusted root. Make sure the pack comes from your province, or have an administrator enroll that root public key.`,
      }, `${base}.issuerKeyId`, { issuerKeyId: c.issuerKeyId, subjectKeyId: c.subject.keyId }),
    );
  } else {
    const ok = await ed.verify(fromBase64(c.signature)!, canonicalBytes(withoutSignature(c)), fromBase64(root.publicKey)!);
    if (!ok) {
      problems.push(
        packProblem('pack.bad-cert-signature', {
          zh: `发布者“${c.subject.name}”的证书签名无效（证书被改动或伪造）。请勿导入；联系县电教馆重新签发。`,
          en: `The certificate of publisher "${c.subject.name}" has an invalid signature (altered or forged). Do not import; ask the county to re-issue it.`,
        }, `${base}.signature`, { subjectKeyId: c.subject.keyId }),
      );
    }
  }
  const now = options.now.getTime();
  if (now < Date.parse(c.notBefore)) {
    problems.push(
      packProblem('pack.cert-not-yet-valid', {
        zh: `发布者证书 ${c.notBefore} 才生效。请检查本机日期时间是否正确。`,
        en: `The publisher certificate only becomes valid on ${c.notBefore}. Check this computer's date and time.`,
      }, `${base}.notBefore`, { notBefore: c.notBefore, now: options.now.toISOString() }),
    );
  }
  if (now > Date.parse(c.notAfter)) {
    problems.push(
      packProblem('pack.cert-expired', {
        zh: `发布者“${c.subject.name}”的证书已于 ${c.notAfter} 过期。请向县电教馆索取用新证书签名的资源包（也请检查本机日期）。`,
        en: `The certificate of publisher "${c.subject.name}" expired on ${c.notAfter}. Ask the county for a pack signed with a renewed certificate (and check this computer's date).`,
      }, `${base}.notAfter`, { notAfter: c.notAfter, now: options.now.toISOString() }),
    );
  }
  const revoked = new Set<string>();
  for (const [i, list] of (options.revocations ?? []).entries()) {
    const listProblems = await verifyRevocationList(list, trustedRoots, ed, i);
    if (listProblems.length > 0) problems.push(...listProblems);
    else for (const id of (list as RevocationList).revokedKeyIds) revoked.add(id);
  }
  for (const id of [c.subject.keyId, c.issuerKeyId]) {
    if (revoked.has(id)) {
      problems.push(
        packProblem('pack.key-revoked', {
          zh: `密钥 ${id}${id === c.subject.keyId ? `（发布者“${c.subject.name}”）` : ''}已被省级平台吊销，不能导入用它签名的资源包。请向县电教馆索取重新签名的版本。`,
          en: `Key ${id}${id === c.subject.keyId ? ` (publisher "${c.subject.name}")` : ''} has been revoked by the province; packs signed with it cannot be imported. Ask the county for a re-signed pack.`,
        }, id === c.subject.keyId ? `${base}.subject.keyId` : `${base}.issuerKeyId`, { keyId: id }),
      );
    }
  }
  return problems;
}
