/**
 * `tpk verify` on a pack with 20,000 entries the manifest does not list (issue 10 item 5; the run found 100,000 → 43 MB of output): the
 * problems are summarised per code (first ones named, then a count), not printed 100,000 times;
 * --json still lists every problem for scripts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalBytes } from '../format/canonical';
import { signManifest, signatureFileBytes } from '../format/signature';
import { craftZip } from '../format/testing-zip';
import { formatTrustFile } from '../format/trust';
import { nodeEd25519 } from '../node/ed25519-node';
import { enrolTestRoot, testTrust, writeTestPack } from '../import/test-helpers';
import { captureIo } from './capture-io';
import { runCli } from './run';

let dir: string;
let packPath: string;
let rootPub: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tp-verify-summary-'));
  const trust = await testTrust();
  const base = await writeTestPack(join(dir, 'base'), { blobs: [{ seed: 'v1', size: 10_000 }] });
  const manifestBytes = canonicalBytes(base.manifest);
  const sig = signatureFileBytes(await signManifest(manifestBytes, trust.county.privateKeyFile, nodeEd25519));
  const junk = Array.from({ length: 20_000 }, (_, i) => ({ name: `extra/${i}.txt`, data: new Uint8Array([i & 0xff]) }));
  const zip = craftZip([{ name: 'manifest.json', data: manifestBytes }, { name: 'manifest.sig', data: sig }, ...base.blobs.map((b) => ({ name: `blobs/${b.sha256}`, data: b.bytes })), ...junk]);
  packPath = join(dir, 'junk.tpk');
  writeFileSync(packPath, zip.bytes!);
  rootPub = join(dir, 'root.pub');
  writeFileSync(rootPub, formatTrustFile(trust.root.publicKeyFile));
  void enrolTestRoot;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const io = () => captureIo(dir);

describe('tpk verify with 20,000 unexpected entries', () => {
  it('prints a short summary: the first few named, then how many more, exit 1', async () => {
    const t = io();
    expect(await runCli(['verify', packPath, '--trust', rootPub], t.io)).toBe(1);
    const lines = t.err().trim().split('\n');
    expect(lines.length).toBeLessThan(30);
    expect(t.err()).toContain('20000');
    expect(t.err()).toContain('extra/0.txt');
    expect(t.err()).toMatch(/另有 19990 个.*pack\.unexpected-entry.*19990 more/);
  });

  it('--json still lists every problem', async () => {
    const t = io();
    expect(await runCli(['verify', packPath, '--trust', rootPub, '--json'], t.io)).toBe(1);
    expect((JSON.parse(t.out()) as { problems: unknown[] }).problems).toHaveLength(20_000);
  });
});
