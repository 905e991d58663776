import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchBridgeCall, type BridgeResult } from '../../../common/bridge/dispatch';
import { type PRIVILEGED_METHODS } from '../../../common/bridge/methods/teacher';
import { captureIo } from '../../../content-packs/cli/capture-io';
import { runCli } from '../../../content-packs/device/cli/cli';
import { createHost, type Host } from '../host';
import { TeacherPinStore } from '../teacher-pin';
import { FREE_TRIES } from './teacher';

// The real host on a temp data dir: PIN hashes on disk, sessions, the guard on privileged methods.
let root: string;
let host: Host;
let clock: number;
const IDLE = 10 * 60_000;

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'tp-teacher-'));
  clock = Date.parse('2026-09-01T08:00:00Z');
  host = await createHost({
    dataDir: join(root, 'data'),
    shell: 'browser',
    appVersion: '0.0.0-test',
    extraDrives: [],
    readDrives: async () => [],
    drivesIntervalMs: 60_000,
    log: () => undefined,
    teacher: { idleTimeoutMs: IDLE, now: () => clock },
  });
});

afterEach(async () => {
  await host.dispose();
  rmSync(root, { recursive: true, force: true });
});

const call = (method: string, payload: unknown = {}) => dispatchBridgeCall(host.handlers, method, payload);
function value<T>(r: BridgeResult): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}`);
  return r.value as T;
}
const code = (r: BridgeResult) => (r.ok ? 'ok' : r.error.code);

async function resetCodeFromCli(): Promise<string> {
  const cli = captureIo(root);
  const exit = await runCli(['teacher', 'reset-pin', '--data', join(root, 'data'), '--json'], cli.io);
  expect(exit, cli.err()).toBe(0);
  return (JSON.parse(cli.out()) as { code: string }).code;
}

describe('teacher PIN and sessions (host)', () => {
  it('first use: no PIN → set one → unlocked session; the file holds only scrypt hashes', async () => {
    expect(value(await call('teacher.status'))).toMatchObject({ pinSet: false, unlocked: false, resetCodePending: false, retryAfterMs: 0, idleTimeoutMs: IDLE });
    const { session } = value<{ session: string }>(await call('teacher.setPin', { pin: '135790' }));
    expect(value(await call('teacher.status', { session }))).toMatchObject({ pinSet: true, unlocked: true });
    const file = readFileSync(join(root, 'data', 'teacher.json'), 'utf8');
    expect(file).not.toContain('135790');
    expect(JSON.parse(file)).toMatchObject({ version: 1, pin: { N: 16384, r: 8, p: 1 }, resetCode: null });
    // Persisted: a new store (host restart) still knows the PIN.
    expect(await new TeacherPinStore(join(root, 'data')).checkPin('135790')).toBe(true);
    expect(await new TeacherPinStore(join(root, 'data')).checkPin('135791')).toBe(false);
  });

  it('a set PIN cannot be replaced without a session; with one it can, and old sessions end', async () => {
    const first = value<{ session: string }>(await call('teacher.setPin', { pin: '1111' })).session;
    expect(code(await call('teacher.setPin', { pin: '2222' }))).toBe('teacher.pin-already-set');
    expect(code(await call('teacher.setPin', { pin: '2222', session: 'x'.repeat(43) }))).toBe('teacher.pin-already-set');
    const second = value<{ session: string }>(await call('teacher.setPin', { pin: '2222', session: first })).session;
    expect(value(await call('teacher.touch', { session: first }))).toEqual({ unlocked: false });
    expect(value(await call('teacher.touch', { session: second }))).toEqual({ unlocked: true });
    expect(code(await call('teacher.unlock', { pin: '1111' }))).toBe('teacher.wrong-pin');
    expect(code(await call('teacher.unlock', { pin: '2222' }))).toBe('ok');
  });

  it('unlock: wrong PIN refused; after too many wrong tries the host makes the next wait, even for the right PIN', async () => {
    await call('teacher.setPin', { pin: '4321' });
    expect(code(await call('teacher.unlock', { pin: '123' }))).toBe('bridge.invalid-request'); // not 4–8 digits
    for (let i = 0; i < FREE_TRIES - 1; i++) expect(code(await call('teacher.unlock', { pin: '0000' }))).toBe('teacher.wrong-pin');
    const fifth = await call('teacher.unlock', { pin: '0000' });
    expect(code(fifth)).toBe('teacher.wrong-pin');
    expect(!fifth.ok && fifth.error.details?.['retryAfterMs']).toBe(30_000);
    const blocked = await call('teacher.unlock', { pin: '4321' });
    expect(code(blocked)).toBe('teacher.too-many-tries');
    expect(value(await call('teacher.status'))).toMatchObject({ retryAfterMs: 30_000 });
    clock += 30_001;
    const { session } = value<{ session: string }>(await call('teacher.unlock', { pin: '4321' }));
    expect(session.length).toBeGreaterThan(30);
    // Success resets the counter: the next wrong try is free again.
    expect(code(await call('teacher.unlock', { pin: '0000' }))).toBe('teacher.wrong-pin');
    expect(code(await call('teacher.unlock', { pin: '4321' }))).toBe('ok');
  });

  it('sessions end after the idle time, and on lock; use keeps them alive', async () => {
    const { session } = value<{ session: string }>(await call('teacher.setPin', { pin: '2468' }));
    clock += IDLE - 1000;
    expect(value(await call('teacher.touch', { session }))).toEqual({ unlocked: true });
    clock += IDLE - 1000; // idle measured from the last use
    expect(value(await call('teacher.status', { session }))).toMatchObject({ unlocked: true });
    // Asking is not using: a page polling its status does not keep the session alive.
    clock += 2000;
    expect(value(await call('teacher.status', { session }))).toMatchObject({ unlocked: false });
    expect(code(await call('packs.remove', { id: 'p', teacherSession: session }))).toBe('teacher.locked');

    const again = value<{ session: string }>(await call('teacher.unlock', { pin: '2468' })).session;
    expect(value(await call('teacher.lock', { session: again }))).toEqual({});
    expect(value(await call('teacher.touch', { session: again }))).toEqual({ unlocked: false });
  });

  it('privileged bridge methods are refused without a live teacher session and reach the feature with one', async () => {
    const stick = join(root, 'stick');
    const requests: Record<(typeof PRIVILEGED_METHODS)[number], Record<string, unknown>> = {
      'packs.import': { path: join(root, 'nope.tpk') },
      'packs.remove': { id: 'cn.nope' },
      'packs.export': { ids: ['cn.nope'], toDir: stick },
      'materials.add': { path: join(root, 'nope.png') },
      'materials.remove': { id: 'm-nope' },
      'materials.attach': { id: 'm-nope', packId: 'p', lessonId: 'l' },
      'materials.detach': { id: 'm-nope', packId: 'p', lessonId: 'l' },
      'sync.enroll': { cloudUrl: 'http://127.0.0.1:9', code: 'ABCD-EFGH-JKLM' },
      'sync.enrollFromFile': { path: join(root, 'nope.tpenroll.json') },
      'sync.forget': {},
      'sync.setClassHours': { classHours: { periods: [], capBytesPerSecond: null } },
      'bundles.progressBegin': { toDir: stick, batches: 0, items: 0 },
      'bundles.importInbound': { path: join(root, 'nope.tpinbound') },
    };
    for (const [method, request] of Object.entries(requests)) {
      const refused = await call(method, request);
      expect(code(refused), method).toBe('teacher.locked');
      expect(!refused.ok && refused.error.message.zh).toContain('教师模式');
      expect(code(await call(method, { ...request, teacherSession: 'forged-session-token-1234567890' })), method).toBe('teacher.locked');
    }
    const { session } = value<{ session: string }>(await call('teacher.setPin', { pin: '2468' }));
    for (const [method, request] of Object.entries(requests)) {
      // Past the guard: the feature itself answers (nothing of that name exists here).
      const r = await call(method, { ...request, teacherSession: session });
      expect(code(r), method).not.toBe('teacher.locked');
      expect(code(r), method).not.toBe('bridge.invalid-request');
    }
    // Reading stays open to student screens.
    expect(code(await call('packs.list'))).toBe('ok');
    expect(code(await call('materials.list'))).toBe('ok');
  });

  it('forgotten PIN: the CLI prints a one-time reset code (only its hash is stored) that sets a new PIN once', async () => {
    await call('teacher.setPin', { pin: '1357' });
    const resetCode = await resetCodeFromCli();
    expect(resetCode).toMatch(/^\d{4}-\d{4}-\d{4}$/);
    const file = readFileSync(join(root, 'data', 'teacher.json'), 'utf8');
    expect(file).not.toContain(resetCode.replace(/-/g, ''));
    expect(value(await call('teacher.status'))).toMatchObject({ resetCodePending: true, pinSet: true });

    const wrong = resetCode.endsWith('0') ? resetCode.slice(0, -1) + '1' : resetCode.slice(0, -1) + '0';
    expect(code(await call('teacher.resetPin', { code: wrong, pin: '8642' }))).toBe('teacher.bad-reset-code');
    const { session } = value<{ session: string }>(await call('teacher.resetPin', { code: resetCode.replace(/-/g, ' '), pin: '8642' }));
    expect(value(await call('teacher.touch', { session }))).toEqual({ unlocked: true });
    expect(code(await call('teacher.unlock', { pin: '1357' }))).toBe('teacher.wrong-pin');
    expect(code(await call('teacher.unlock', { pin: '8642' }))).toBe('ok');
    // Used once: the same code does nothing now.
    expect(code(await call('teacher.resetPin', { code: resetCode, pin: '9999' }))).toBe('teacher.bad-reset-code');
    expect(value(await call('teacher.status'))).toMatchObject({ resetCodePending: false });
  });

  it('a reset code expires after 24 hours', async () => {
    await call('teacher.setPin', { pin: '1357' });
    const store = new TeacherPinStore(join(root, 'data'));
    const { code: c } = await store.createResetCode(new Date(clock - 25 * 3600_000));
    expect(code(await call('teacher.resetPin', { code: c, pin: '8642' }))).toBe('teacher.bad-reset-code');
    expect(code(await call('teacher.unlock', { pin: '1357' }))).toBe('ok');
  });
});
