/**
 * `teachpoint-cloud publish` and `release` in-process on a PGlite data directory: the CLI verifies
 * with the roots in <data>/trust, stores blobs in <data>/blobs, releases by county and by 学段, and
 * withdraws; a tampered pack exits 1 with the device's code.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { enrolTestRoot, writeTestPack } from '../../../content-packs/import/test-helpers';
import { runCloudCli } from '../cli/main';
import { migrate } from '../db/migrate';
import { openPglite } from '../db/pglite';
import { createCounty, createSchool } from '../services/schools';
import { cliIO } from '../testing/cli';
import { pgliteTemplate } from '../testing/harness';

const tmp = mkdtempSync(join(tmpdir(), 'tp-cloud-publish-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('publishes, releases and withdraws from the command line', async () => {
  const dataDir = join(tmp, 'cloud-data');
  const seed = await openPglite(join(dataDir, 'pglite'), { loadDataDir: await pgliteTemplate() });
  await migrate(seed);
  const county = await createCounty(seed, null, '戊县');
  const school = await createSchool(seed, null, { countyId: county.id, name: '戊县第一教学点' });
  await seed.close();
  await enrolTestRoot(dataDir);
  const pack = await writeTestPack(join(tmp, 'in'), { id: 'cn.test.cli', blobs: [{ seed: 'cli-a', size: 5000 }, { seed: 'cli-b', size: 7000 }] });
  const run = async (...argv: string[]) => {
    const c = cliIO(tmp, { TEACHPOINT_CLOUD_DATA: dataDir });
    const code = await runCloudCli(argv, c.io);
    return { code, ...c.text() };
  };

  const published = await run('publish', pack.path, '--json');
  expect(published.code, published.stderr).toBe(0);
  expect(JSON.parse(published.stdout)).toMatchObject({ packId: 'cn.test.cli', version: 1, blobsStored: 2, bytesStored: 12_000 });
  expect(readFileSync(join(dataDir, 'blobs', pack.blobs[0]!.sha256.slice(0, 2), pack.blobs[0]!.sha256.slice(2, 4), pack.blobs[0]!.sha256)).equals(pack.blobs[0]!.bytes)).toBe(true);

  const released = await run('release', '--stage', '小学', '--county', county.id, '--json');
  expect(released.code, released.stderr).toBe(0);
  expect(JSON.parse(released.stdout)).toEqual({ released: [{ packId: 'cn.test.cli', version: 1, schoolIds: [school.id] }], unchanged: 0 });
  const withdrawn = await run('release', '--pack', 'cn.test.cli', '--version', '1', '--school', school.id, '--withdraw', '--json');
  expect(JSON.parse(withdrawn.stdout)).toEqual({ withdrawn: 1 });

  const bytes = readFileSync(pack.path);
  const at = bytes.indexOf(pack.blobs[1]!.bytes.subarray(0, 64));
  bytes[at + 1] = bytes[at + 1]! ^ 1;
  writeFileSync(join(tmp, 'bad.tpk'), bytes);
  const bad = await run('publish', join(tmp, 'bad.tpk'));
  expect(bad.code).toBe(1);
  expect(bad.stderr).toMatch(/import\.bad-blob/);
});
