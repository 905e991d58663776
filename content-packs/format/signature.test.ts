/** manifest.sig must be canonical JSON, as docs/pack-format.md §4 says (issue 10 item 5). */
import { describe, expect, it } from 'vitest';
import { parseSignatureFile, signatureFileBytes, SIGNATURE_TYPE } from './signature';

const sig = { type: SIGNATURE_TYPE, keyId: '3f2a9c0d1e4b5a67', algorithm: 'ed25519', signature: Buffer.alloc(64, 7).toString('base64') } as const;

describe('manifest.sig parsing', () => {
  it('accepts the canonical bytes tpk build writes', () => {
    expect(parseSignatureFile(signatureFileBytes(sig))).toMatchObject({ ok: true, signature: sig });
  });

  it('refuses the same signature written non-canonically (pretty-printed, keys unsorted, trailing newline)', () => {
    for (const text of [JSON.stringify(sig, null, 2), JSON.stringify(sig), new TextDecoder().decode(signatureFileBytes(sig)) + '\n']) {
      const r = parseSignatureFile(new TextEncoder().encode(text));
      expect(r.ok, text).toBe(false);
      if (!r.ok) {
        expect(r.problems.map((p) => p.code)).toEqual(['pack.signature-malformed']);
        expect(r.problems[0]!.message.zh).toContain('规范');
      }
    }
  });
});
