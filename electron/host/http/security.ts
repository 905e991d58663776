import { createHash, randomBytes, timingSafeEqual } from 'crypto';
import { isIP } from 'net';

/** Per-launch secret: 32 random bytes, base64url (43 chars). */
export function createToken(): string {
  return randomBytes(32).toString('base64url');
}

/**
 * Constant-time token comparison. Both sides are hashed first so neither the length nor the
 * position of the first differing byte leaks through timing.
 */
export function tokenMatches(expected: string, presented: string | null | undefined): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || presented.length > 512) return false;
  const a = createHash('sha256').update(expected, 'utf8').digest();
  const b = createHash('sha256').update(presented, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** `Authorization: Bearer <token>` → token, else null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer[ ]+([A-Za-z0-9_\-.~+/]+=*)[ ]*$/i.exec(header);
  return m ? (m[1] ?? null) : null;
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * DNS-rebinding defence: the Host header must name this server by a name no attacker can point at
 * us — loopback names by default; when the server is deliberately bound to another interface
 * (`--host`), any IP literal too (an IP literal cannot be rebound). The port must be ours.
 */
export function hostHeaderAllowed(hostHeader: string | undefined, port: number, boundToLoopbackOnly: boolean): boolean {
  if (!hostHeader) return false;
  const m = /^(\[[0-9a-fA-F:.]+\]|[^:[\]]+):(\d{1,5})$/.exec(hostHeader.trim());
  if (!m) return false;
  const name = (m[1] ?? '').toLowerCase();
  if (Number(m[2]) !== port) return false;
  if (LOOPBACK_NAMES.has(name)) return true;
  if (boundToLoopbackOnly) return false;
  const bare = name.startsWith('[') ? name.slice(1, -1) : name;
  return isIP(bare) !== 0;
}

/** An Origin header, when present, must be exactly the origin the page was loaded from. */
export function originAllowed(originHeader: string | undefined, hostHeader: string | undefined): boolean {
  if (originHeader === undefined) return true;
  if (!hostHeader) return false;
  return originHeader === `http://${hostHeader.trim().toLowerCase()}`;
}

export function isLoopbackAddress(host: string): boolean {
  return host === '127.0.0.1' || host === 'localhost' || host === '::1' || /^127\./.test(host);
}
