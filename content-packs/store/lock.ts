import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { destinationError, storeError } from './errors';
import { nodeStoreFs, type StoreFs } from './fs-seam';

const LOCK_DIR = 'locks';
/** Simultaneous starters that saw each other back off and retry this often before reporting "locked". */
const ATTEMPTS = 4;

/**
 * One writer per data dir across processes (the app and a technician's CLI).
 *
 * Each contender creates its OWN empty file `<data>/locks/<pid>-<nonce>` (exclusive create; the
 * owner is in the name, so nothing is written — an empty file still fits on a full disk), then
 * lists `locks/`: it holds the lock only if no other file there belongs to a running process.
 * Files of dead processes (kill -9, power loss) are deleted by whoever finds them — safe, a dead
 * process holds nothing. Two processes that see each other both back off (and retry after a random
 * pause), so two holders are impossible: the later of two listings always sees the earlier
 * creator's file. No process ever deletes a file a live process created, so there is no
 * read-then-delete takeover race.
 *
 * Readers (list, media) never need the lock.
 */
export async function acquireDataLock(dataDir: string, sfs: StoreFs = nodeStoreFs): Promise<() => Promise<void>> {
  const dir = join(dataDir, LOCK_DIR);
  const mine = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const path = join(dir, mine);
  try {
    await sfs.mkdir(dir);
    await sfs.close(await sfs.open(path, 'wx'));
  } catch (err) {
    await sfs.unlink(path).catch(() => undefined);
    throw destinationError(err, { path });
  }
  try {
    for (let attempt = 0; ; attempt++) {
      const live = await liveOthers(dir, mine);
      if (live === null) break;
      if (attempt + 1 >= ATTEMPTS) throw storeError('store.locked', { pid: live, sameProcess: live === process.pid });
      // Step aside so one of several simultaneous starters can win, then look again.
      await sfs.unlink(path).catch(() => undefined);
      await sleep(5 + Math.floor(Math.random() * 25));
      await sfs.close(await sfs.open(path, 'wx'));
    }
  } catch (err) {
    await sfs.unlink(path).catch(() => undefined);
    throw destinationError(err, { path }); // TeachPointErrors (store.locked) pass through
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    await fs.promises.rm(path, { force: true });
  };
}

/** The pid of another running holder/contender in `locks/`, or null; removes files of dead owners. */
async function liveOthers(dir: string, mine: string): Promise<number | null> {
  for (const name of await fs.promises.readdir(dir)) {
    if (name === mine) continue;
    const pid = Number(/^(\d+)-/.exec(name)?.[1] ?? NaN);
    if (pidAlive(pid)) return pid;
    await fs.promises.rm(join(dir, name), { force: true, recursive: true });
  }
  return null;
}

/** Lock files present in `<data>/locks` (tests; a released lock leaves none). */
export async function lockFiles(dataDir: string): Promise<string[]> {
  try {
    return (await fs.promises.readdir(join(dataDir, LOCK_DIR))).sort();
  } catch {
    return [];
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Whether a process with this id exists (EPERM: it exists but belongs to another user). */
export function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
