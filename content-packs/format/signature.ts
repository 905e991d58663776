/**
 * manifest.sig — `{type:'teachpoint-signature/1', keyId, algorithm:'ed25519', signature}` stored
 * as canonical JSON; `signature` is base64 Ed25519 over the EXACT bytes of manifest.json
 * (no re-serialisation on the verifying side).
 */
import { z } from 'zod';
import { canonicalBytes, isCanonicalJsonText } from './canonical';
import { type Ed25519, nobleEd25519 } from './ed25519';
import { fromBase64, toBase64, utf8DecodeStrict } from './encoding';
import { type PackProblem, packProblem } from './problems';
import { KeyIdSchema, type PrivateKeyFile, SignatureBase64 } from './trust';
import { formatZodPath } from '../../common/errors/zod-issues';

export const SIGNATURE_TYPE = 'teachpoint-signature/1';

export const SignatureFile = z
  .object({ type: z.literal(SIGNATURE_TYPE), keyId: KeyIdSchema, algorithm: z.literal('ed25519'), signature: SignatureBase64 })
  .strict();
export type SignatureFile = z.infer<typeof SignatureFile>;

export async function signManifest(manifestBytes: Uint8Array, key: PrivateKeyFile, ed: Ed25519 = nobleEd25519): Promise<SignatureFile> {
  const sig = await ed.sign(manifestBytes, fromBase64(key.privateKey)!);
  return { type: SIGNATURE_TYPE, keyId: key.keyId, algorithm: 'ed25519', signature: toBase64(sig) };
}

/** The bytes to store as manifest.sig. */
export function signatureFileBytes(sig: SignatureFile): Uint8Array {
  return canonicalBytes(sig);
}

export type SignatureParse = { ok: true; signature: SignatureFile } | { ok: false; problems: PackProblem[] };

export function parseSignatureFile(bytes: Uint8Array): SignatureParse {
  const text = utf8DecodeStrict(bytes);
  let value: unknown;
  try {
    if (text === undefined) throw new Error('not UTF-8');
    value = JSON.parse(text);
  } catch {
    return {
      ok: false,
      problems: [
        packProblem('pack.signature-malformed', {
          zh: '签名文件 manifest.sig 已损坏（不是 JSON）。资源包可能在复制中损坏，请重新复制或下载。',
          en: 'manifest.sig is damaged (not JSON). The pack may have been corrupted in transit; copy or download it again.',
        }, 'manifest.sig'),
      ],
    };
  }
  const parsed = SignatureFile.safeParse(value);
  if (!parsed.success) {
    return {
      ok: false,
      problems: parsed.error.issues.map((i) => {
        const p = formatZodPath(i.path);
        return packProblem('pack.signature-malformed', {
          zh: `签名文件 manifest.sig 的 ${p || '(根)'} 无效（${i.message}）。请重新复制资源包，或让县电教馆重新签名。`,
          en: `manifest.sig ${p || '(root)'} is invalid (${i.message}). Copy the pack again or ask the county to re-sign it.`,
        }, p ? `manifest.sig#${p}` : 'manifest.sig');
      }),
    };
  }
  if (!isCanonicalJsonText(text!)) {
    return {
      ok: false,
      problems: [
        packProblem('pack.signature-malformed', {
          zh: '签名文件 manifest.sig 不是规范 JSON（键顺序或空白不同），不是由 tpk build 写出的。请让县电教馆用 tpk build 重新打包签名。',
          en: 'manifest.sig is not canonical JSON (key order or whitespace differ), so tpk build did not write it. Ask the county to rebuild and re-sign the pack with tpk build.',
        }, 'manifest.sig'),
      ],
    };
  }
  return { ok: true, signature: parsed.data };
}

/** True when `sig` is a valid Ed25519 signature of exactly `manifestBytes` by `publicKey` (32 raw bytes). */
export async function verifyManifestSignature(manifestBytes: Uint8Array, sig: SignatureFile, publicKey: Uint8Array, ed: Ed25519 = nobleEd25519): Promise<boolean> {
  const raw = fromBase64(sig.signature);
  if (!raw) return false;
  return ed.verify(raw, manifestBytes, publicKey);
}
