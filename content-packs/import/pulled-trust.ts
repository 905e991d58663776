import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { PackProblem } from '../format/problems';
import { verifyCertificateChain, verifyRevocationList, type Certificate, type PublicKeyFile } from '../format/trust';
import { nodeEd25519 } from '../node/ed25519-node';
import { nodeStoreFs, writeFileAtomic } from '../store/fs-seam';

/** A trust document as pull delivers it (TrustedKeySchema, sync/protocol/pull.ts). */
export interface PulledTrustDocument {
  id: string;
  kind: 'certificate' | 'revocations';
  document: unknown;
  deleted: boolean;
}

export interface PulledTrustResult {
  /** Documents that verified against the roots and were written. */
  stored: string[];
  /** Documents that did not verify: nothing written for them. */
  refused: Array<{ id: string; problems: PackProblem[] }>;
  /** Certificates the cloud withdrew, removed from `<data>/trust/certs/`. */
  removed: string[];
}

/** County publisher certificates from pull: `<data>/trust/certs/<keyId>.cert.json`. */
export function pulledCertsDir(dataDir: string): string {
  return join(dataDir, 'trust', 'certs');
}

/**
 * Keep trust documents the cloud sends through pull, each verified against the device's own roots
 * first (`loadTrust`: the shipped roots and `<data>/trust/*.pub`) — a document the roots did not
 * sign is refused and changes nothing:
 *  - revocation lists → `<data>/trust/pulled-<hash>.rev.json`, which loadTrust already reads, so a
 *    revoked county key is refused by USB imports and downloads alike. Revocations only ever add:
 *    a `deleted` revocation document is ignored (un-revoking would weaken trust).
 *  - county certificates → `<data>/trust/certs/<keyId>.cert.json`, the device's list of its
 *    county publishers (deleted → removed). They never become roots: a pack's own certificate is
 *    still checked against the roots on every import, so storing one grants nothing.
 */
export async function storePulledTrust(
  dataDir: string,
  documents: readonly PulledTrustDocument[],
  trust: { trustedRoots: readonly PublicKeyFile[]; revocations?: readonly unknown[]; now?: Date },
): Promise<PulledTrustResult> {
  const result: PulledTrustResult = { stored: [], refused: [], removed: [] };
  const trustDir = join(dataDir, 'trust');
  const certsDir = pulledCertsDir(dataDir);
  await fs.promises.mkdir(certsDir, { recursive: true });
  const revocations = [...(trust.revocations ?? [])];
  // Revocation lists first, so a certificate in the same page is checked against them.
  const ordered = [...documents].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'revocations' ? -1 : 1));
  for (const doc of ordered) {
    if (doc.kind === 'revocations') {
      if (doc.deleted) continue;
      const problems = await verifyRevocationList(doc.document, trust.trustedRoots, nodeEd25519);
      if (problems.length) {
        result.refused.push({ id: doc.id, problems });
        continue;
      }
      const text = JSON.stringify(doc.document);
      const name = `pulled-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.rev.json`;
      await writeFileAtomic(nodeStoreFs, join(trustDir, name), text, trustDir);
      revocations.push(doc.document);
      result.stored.push(doc.id);
      continue;
    }
    const keyId = (doc.document as Partial<Certificate> | null)?.subject?.keyId;
    if (doc.deleted) {
      if (typeof keyId === 'string' && /^[0-9a-f]{16}$/.test(keyId)) {
        await fs.promises.rm(join(certsDir, `${keyId}.cert.json`), { force: true });
        result.removed.push(doc.id);
      }
      continue;
    }
    const problems = await verifyCertificateChain(doc.document, trust.trustedRoots, { now: trust.now ?? new Date(), revocations, ed25519: nodeEd25519 });
    if (problems.length || typeof keyId !== 'string') {
      result.refused.push({ id: doc.id, problems });
      continue;
    }
    await writeFileAtomic(nodeStoreFs, join(certsDir, `${keyId}.cert.json`), JSON.stringify(doc.document), certsDir);
    result.stored.push(doc.id);
  }
  return result;
}
