/**
 * Key files on disk for `tpk keygen` / `tpk certify` / `tpk build` (formats from
 * content-packs/format/trust.ts). The private key is written with mode 0600 from the first byte
 * (open with mode, never chmod after). Node 16 APIs only.
 */
import { mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { TeachPointError } from '../../common/errors/errors';
import {
  type Certificate,
  type PrivateKeyFile,
  createKeyFiles,
  formatTrustFile,
  issueCertificate,
  parseCertificate,
  parsePrivateKeyFile,
  parsePublicKeyFile,
} from '../format/trust';
import { nodeEd25519 } from '../node/ed25519-node';

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/** Writes `text` to `path` atomically (temp + fsync + rename) with the given mode. */
export async function writeFileAtomic(path: string, text: string, mode = 0o644): Promise<void> {
  const tmp = `${path}.partial`;
  const fh = await open(tmp, 'w', mode);
  try {
    await fh.writeFile(text, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}

/** A key name → safe file name (keeps Chinese, drops path separators and odd characters). */
export function keyFileStem(name: string): string {
  const stem = [...name.trim()]
    .map((c) => (c.charCodeAt(0) < 0x20 || '\\/:*?"<>|'.includes(c) ? '_' : c))
    .join('')
    .replace(/_+/g, '_')
    .replace(/^\.+/, '');
  return stem || 'key';
}

export async function generateKeyPairFiles(options: { dir: string; name: string; force?: boolean }): Promise<{ keyId: string; keyPath: string; pubPath: string }> {
  const stem = keyFileStem(options.name);
  await mkdir(options.dir, { recursive: true });
  const keyPath = join(options.dir, `${stem}.key`);
  const pubPath = join(options.dir, `${stem}.pub`);
  if (!options.force) {
    for (const p of [keyPath, pubPath]) {
      if (await exists(p)) {
        throw new TeachPointError(
          'cli.file-exists',
          { zh: `文件已存在：${p}。为避免覆盖现有密钥，已停止；确需覆盖请加 --force。`, en: `File already exists: ${p}. Stopped so an existing key is not overwritten; add --force to replace it.` },
          { file: p },
        );
      }
    }
  }
  const { publicKeyFile, privateKeyFile } = await createKeyFiles(options.name.trim(), nodeEd25519);
  await writeFileAtomic(keyPath, formatTrustFile(privateKeyFile), 0o600);
  await writeFileAtomic(pubPath, formatTrustFile(publicKeyFile), 0o644);
  return { keyId: publicKeyFile.keyId, keyPath, pubPath };
}

async function readOrThrow(path: string, what: { zh: string; en: string }): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
    throw new TeachPointError('cli.file-unreadable', { zh: `无法读取${what.zh}：${path}（${code}）。请检查路径。`, en: `Cannot read ${what.en}: ${path} (${code}). Check the path.` }, { file: path });
  }
}

export async function loadPrivateKey(path: string): Promise<PrivateKeyFile> {
  return parsePrivateKeyFile(await readOrThrow(path, { zh: '私钥文件', en: 'private key file' }), path);
}

export async function loadCertificate(path: string): Promise<Certificate> {
  return parseCertificate(await readOrThrow(path, { zh: '证书文件', en: 'certificate file' }), path);
}

/** "2027-08-31" → end of that day UTC. */
export function parseExpiry(text: string): Date {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text.trim());
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59)) : null;
  if (!d || Number.isNaN(d.getTime()) || d.getUTCDate() !== Number(m![3])) {
    throw new TeachPointError('trust.bad-date', { zh: `无效的到期日期“${text}”，请使用 YYYY-MM-DD 格式，如 2028-08-31。`, en: `Invalid expiry date "${text}"; use YYYY-MM-DD, e.g. 2028-08-31.` });
  }
  return d;
}

export async function certifyKeyFile(options: { rootKeyPath: string; pubPath: string; outPath: string; expires?: string; now?: Date }): Promise<Certificate> {
  const root = await loadPrivateKey(options.rootKeyPath);
  const subject = parsePublicKeyFile(await readOrThrow(options.pubPath, { zh: '公钥文件', en: 'public key file' }), options.pubPath);
  const now = options.now ?? new Date();
  const notAfter = options.expires ? parseExpiry(options.expires) : new Date(Date.UTC(now.getUTCFullYear() + 3, now.getUTCMonth(), now.getUTCDate(), 23, 59, 59));
  if (notAfter.getTime() <= now.getTime()) {
    throw new TeachPointError('trust.bad-date', { zh: `到期日期 ${options.expires} 已经过去，请给一个将来的日期。`, en: `Expiry ${options.expires} is in the past; give a future date.` });
  }
  // valid from one day back, so a county PC whose clock is a little behind still accepts it
  const notBefore = new Date(now.getTime() - 24 * 3600 * 1000);
  const cert = await issueCertificate({ issuer: root, subject, notBefore, notAfter }, nodeEd25519);
  await writeFileAtomic(options.outPath, formatTrustFile(cert));
  return cert;
}
