import * as fs from 'fs';
import * as path from 'path';

/** Bytes of regular files under `dir` (0 when it does not exist). Symlinks are not followed. */
export async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  const stack = [dir];
  while (stack.length > 0) {
    const current = stack.pop() as string;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries) {
      const full = path.join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) {
        try {
          total += (await fs.promises.lstat(full)).size;
        } catch {
          // vanished while walking
        }
      }
    }
  }
  return total;
}
