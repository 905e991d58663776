import * as fs from 'node:fs';
import { join } from 'node:path';
import { storeError } from './errors';

/**
 * One writer per data dir across processes (the app and a technician's CLI): `<data>/lock` is
 * created exclusively and holds the owner's pid. A lock whose pid is dead (kill -9, power loss)
 * is taken over. Readers (list, media) never need it.
 */
export async function acquireDataLock(dataDir: string): Promise<() => Promise<void>> {
  const path = join(dataDir, 'lock');
  await fs.promises.mkdir(dataDir, { recursive: true });
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fs.promises.open(path, 'wx');
      await fh.writeFile(String(process.pid));
      await fh.close();
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await fs.promises.rm(path, { force: true });
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number((await fs.promises.readFile(path, 'utf8').catch(() => '')).trim());
      if (owner && owner !== process.pid && pidAlive(owner)) throw storeError('store.locked', { pid: owner });
      if (!owner) {
        // Created but the pid not written yet (another process is between open and write), unless old.
        const st = await fs.promises.stat(path).catch(() => null);
        if (st && Date.now() - st.mtimeMs < 5000) throw storeError('store.locked', { path });
      }
      if (owner === process.pid) throw storeError('store.locked', { pid: owner, sameProcess: true });
      await fs.promises.rm(path, { force: true });
    }
  }
  throw storeError('store.locked', { path });
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
