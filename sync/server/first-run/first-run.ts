/**
 * First run for a newcomer (issue 8 item 8): make the embedded cloud show sync working with no
 * set-up — a demo county, one teaching point, a county-admin sign-in, the sample packs published
 * and released to the school, and (when asked) an offline enrollment file for this PC.
 *
 * Idempotent: what it made is remembered in `<cloud data>/first-run.json` (mode 0600, it holds the
 * demo password), so a second `npm start` signs in with the same account and publishes nothing twice.
 */
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { EnrollmentFile } from '../../protocol/enroll';
import type { StaffAuth } from '../auth/auth';
import type { CloudContext } from '../context';
import type { PackEnvironment } from '../packs/environment';
import { publishPackFile, type PublishResult } from '../packs/publish';
import { releasePacks } from '../packs/releases';
import { createAccount } from '../services/accounts';
import { createEnrollmentFile } from '../services/enrollment';
import { createCounty, createSchool, getSchool } from '../services/schools';

export const FIRST_RUN_STATE_FILE = 'first-run.json';
const DEMO = { county: '示例县', school: '示例村教学点', username: 'county-demo' };

interface FirstRunState {
  countyId: string;
  schoolId: string;
  accountId: string;
  username: string;
  password: string;
}

export interface FirstRunResult {
  schoolId: string;
  schoolName: string;
  username: string;
  password: string;
  /** Sample packs published now (already published ones have `alreadyPublished: true`). */
  packs: PublishResult[];
  /** (school, pack version) releases made now. */
  released: number;
  enrollment: EnrollmentFile | null;
}

/** Letters and digits that cannot be misread on a projector (no 0/O, 1/l/I). */
function demoPassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  return Array.from(randomBytes(12), (b) => alphabet[b % alphabet.length]).join('');
}

async function readState(file: string): Promise<FirstRunState | null> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as FirstRunState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

async function writeState(file: string, state: FirstRunState): Promise<void> {
  await writeFile(`${file}.tmp`, JSON.stringify(state, null, 2) + '\n', { mode: 0o600 });
  await rename(`${file}.tmp`, file);
}

/** The demo county, school and account: made once, found again on later runs. */
async function ensureDemoSchool(ctx: CloudContext, stateFile: string): Promise<FirstRunState> {
  const known = await readState(stateFile);
  if (known && (await getSchool(ctx.db, known.schoolId))) return known;
  const state = await ctx.db.tx(async (q) => {
    const county = await createCounty(q, null, DEMO.county);
    const school = await createSchool(q, null, { countyId: county.id, name: DEMO.school });
    // A previous data dir may already hold the user name (state file lost): take a numbered one.
    for (let n = 0; ; n++) {
      const username = n === 0 ? DEMO.username : `${DEMO.username}-${n}`;
      const taken = await q.query('SELECT 1 FROM accounts WHERE username = $1', [username]);
      if (taken.rows.length) continue;
      const password = demoPassword();
      const account = await createAccount(q, { username, password, role: 'county-admin', countyId: county.id, displayName: '示例县电教馆' });
      return { countyId: county.id, schoolId: school.id, accountId: account.id, username, password };
    }
  });
  await writeState(stateFile, state);
  return state;
}

export async function setUpFirstRun(
  ctx: CloudContext,
  env: PackEnvironment,
  options: { dataDir: string; samplesDir: string | null; enrollDeviceName?: string | null },
): Promise<FirstRunResult> {
  const state = await ensureDemoSchool(ctx, join(options.dataDir, FIRST_RUN_STATE_FILE));
  const staff: StaffAuth = { kind: 'staff', accountId: state.accountId, username: state.username, role: 'county-admin', countyId: state.countyId, sessionHash: '' };

  const packs: PublishResult[] = [];
  let released = 0;
  if (options.samplesDir) {
    const files = (await readdir(options.samplesDir)).filter((f) => f.endsWith('.tpk')).sort();
    for (const f of files) packs.push(await publishPackFile(ctx, env, null, join(options.samplesDir, f), f));
    for (const p of packs) {
      const r = await releasePacks(ctx, staff, { packId: p.packId, version: p.version }, { schoolIds: [state.schoolId] });
      released += r.released.reduce((n, x) => n + x.schoolIds.length, 0);
    }
  }
  const enrollment = options.enrollDeviceName ? await createEnrollmentFile(ctx, staff, state.schoolId, options.enrollDeviceName) : null;
  return { schoolId: state.schoolId, schoolName: DEMO.school, username: state.username, password: state.password, packs, released, enrollment };
}
