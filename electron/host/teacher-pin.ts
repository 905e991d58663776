/**
 * The teacher PIN on disk: `<data>/teacher.json` holds only scrypt hashes (node:crypto, no native
 * module) — of the PIN, and of a pending one-time reset code made by `teachpoint teacher reset-pin`.
 * Read fresh on every use, so a reset code the CLI writes while the app runs is seen at once;
 * written atomically (temp + fsync + rename) so a power cut leaves the old or the new file.
 * Plain Node ≥ 16: shared by the host's teacher feature and the device CLI.
 */
import { randomBytes, randomInt, scrypt, timingSafeEqual } from 'crypto';
import { promises as fs } from 'fs';
import * as path from 'path';

export const TEACHER_FILE = 'teacher.json';
/** A reset code works once, within this long after it was printed. */
export const RESET_CODE_TTL_MS = 24 * 60 * 60 * 1000;

export interface ScryptHash {
  salt: string;
  hash: string;
  N: number;
  r: number;
  p: number;
}

export interface TeacherFile {
  version: 1;
  pin: ScryptHash | null;
  resetCode: (ScryptHash & { expiresAt: string }) | null;
  updatedAt: string;
}

/** scrypt cost: 16 MiB, ~50–100 ms on an old PC — cheap for one unlock, slow for guessing offline. */
const PARAMS = { N: 16384, r: 8, p: 1 } as const;
const KEY_LEN = 32;

function derive(secret: string, salt: Buffer, params: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, KEY_LEN, { ...params, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

export async function hashSecret(secret: string): Promise<ScryptHash> {
  const salt = randomBytes(16);
  const key = await derive(secret, salt, PARAMS);
  return { salt: salt.toString('base64'), hash: key.toString('base64'), ...PARAMS };
}

export async function verifySecret(secret: string, stored: ScryptHash): Promise<boolean> {
  const expected = Buffer.from(stored.hash, 'base64');
  const key = await derive(secret, Buffer.from(stored.salt, 'base64'), stored);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** `1234-5678-9012` / `1234 5678 9012` → `123456789012`. */
export function normalizeResetCode(code: string): string {
  return code.replace(/[\s-]/g, '');
}

export class TeacherPinStore {
  readonly file: string;

  constructor(readonly dataDir: string) {
    this.file = path.join(dataDir, TEACHER_FILE);
  }

  /**
   * The file, or an empty one when missing. A corrupt file throws (never read as "no PIN yet", which
   * would let anyone choose a new PIN); `createResetCode` is the way out.
   */
  async read(): Promise<TeacherFile> {
    let text: string;
    try {
      text = await fs.readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { version: 1, pin: null, resetCode: null, updatedAt: new Date(0).toISOString() };
      throw err;
    }
    const parsed = JSON.parse(text) as TeacherFile;
    if (parsed.version !== 1 || !('pin' in parsed)) throw new Error(`unrecognised ${TEACHER_FILE}`);
    return parsed;
  }

  async write(data: TeacherFile): Promise<void> {
    await fs.mkdir(this.dataDir, { recursive: true });
    const temp = `${this.file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    const handle = await fs.open(temp, 'w', 0o600);
    try {
      await handle.writeFile(JSON.stringify(data, null, 2));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(temp, this.file);
  }

  async pinSet(): Promise<boolean> {
    return (await this.read()).pin !== null;
  }

  async setPin(pin: string): Promise<void> {
    const current = await this.read();
    await this.write({ ...current, pin: await hashSecret(pin), updatedAt: new Date().toISOString() });
  }

  async checkPin(pin: string): Promise<boolean> {
    const { pin: stored } = await this.read();
    return stored !== null && verifySecret(pin, stored);
  }

  /**
   * Make a one-time reset code (12 random digits), store only its hash with an expiry, and return
   * the code for the CLI to print. A newer code replaces an older unused one.
   */
  async createResetCode(now: Date = new Date()): Promise<{ code: string; expiresAt: string }> {
    let digits = '';
    for (let i = 0; i < 12; i++) digits += String(randomInt(10));
    const expiresAt = new Date(now.getTime() + RESET_CODE_TTL_MS).toISOString();
    // A corrupt file: keep a copy and start over with an unknowable PIN, so only this code opens it.
    const current = await this.read().catch(async () => {
      await fs.copyFile(this.file, `${this.file}.corrupt-${now.getTime()}`).catch(() => undefined);
      const file: TeacherFile = { version: 1, pin: await hashSecret(randomBytes(32).toString('hex')), resetCode: null, updatedAt: now.toISOString() };
      return file;
    });
    await this.write({ ...current, resetCode: { ...(await hashSecret(digits)), expiresAt }, updatedAt: now.toISOString() });
    return { code: `${digits.slice(0, 4)}-${digits.slice(4, 8)}-${digits.slice(8)}`, expiresAt };
  }

  async resetCodePending(now: Date = new Date()): Promise<boolean> {
    const { resetCode } = await this.read();
    return resetCode !== null && Date.parse(resetCode.expiresAt) > now.getTime();
  }

  /** If `code` is the pending, unexpired reset code: set the new PIN and consume the code (one write). */
  async resetWithCode(code: string, newPin: string, now: Date = new Date()): Promise<boolean> {
    const current = await this.read();
    const pending = current.resetCode;
    if (!pending || Date.parse(pending.expiresAt) <= now.getTime()) return false;
    const digits = normalizeResetCode(code);
    if (!/^\d{12}$/.test(digits) || !(await verifySecret(digits, pending))) return false;
    await this.write({ ...current, pin: await hashSecret(newPin), resetCode: null, updatedAt: now.toISOString() });
    return true;
  }
}
