import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface DiskSpace {
  totalBytes: number;
  /** Bytes an unprivileged process may still write. */
  freeBytes: number;
}

type Exec = (file: string, args: string[]) => Promise<string>;

const execText: Exec = (file, args) =>
  new Promise((res, rej) => {
    execFile(file, args, { windowsHide: true, timeout: 15_000, encoding: 'utf8' }, (err, stdout) => (err ? rej(err) : res(stdout)));
  });

/** `df -Pk` (POSIX format, 1024-byte blocks): the last line is `fs blocks used avail cap% mount`. */
export function parseDfPk(text: string): DiskSpace | null {
  const lines = text.trim().split(/\r?\n/).filter(Boolean);
  if (lines.length < 2) return null;
  // The filesystem name may contain spaces; count fields from the right: mount point can too,
  // but the capacity field ends in % — find it.
  const fields = lines[lines.length - 1]!.trim().split(/\s+/);
  const capIdx = fields.findIndex((f, i) => i >= 3 && /^\d+%$/.test(f));
  if (capIdx < 3) return null;
  const total = Number(fields[capIdx - 3]);
  const avail = Number(fields[capIdx - 1]);
  if (!Number.isFinite(total) || !Number.isFinite(avail)) return null;
  return { totalBytes: total * 1024, freeBytes: avail * 1024 };
}

/** `Total|Free` printed by the PowerShell line in diskFree (PS 2.0 compatible). */
export function parseWindowsSpace(text: string): DiskSpace | null {
  const m = /(\d+)\|(\d+)/.exec(text);
  if (!m) return null;
  return { totalBytes: Number(m[1]), freeBytes: Number(m[2]) };
}

/** `wmic logicaldisk where DeviceID='C:' get FreeSpace,Size /value` → FreeSpace=…, Size=… */
export function parseWmicSpace(text: string): DiskSpace | null {
  const free = /FreeSpace=(\d+)/.exec(text);
  const size = /Size=(\d+)/.exec(text);
  if (!free || !size) return null;
  return { totalBytes: Number(size[1]), freeBytes: Number(free[1]) };
}

async function existingAncestor(path: string): Promise<string> {
  let p = resolve(path);
  for (;;) {
    try {
      await fs.promises.stat(p);
      return p;
    } catch {
      const up = dirname(p);
      if (up === p) return p;
      p = up;
    }
  }
}

/**
 * Free and total bytes of the filesystem holding `path` (which need not exist yet). Node 16 has
 * no fs.statfs, so: `df -Pk` on Linux/macOS; on Windows PowerShell's DriveInfo (2.0-compatible),
 * then `wmic` as a fallback. Rejects when no method works.
 */
export async function diskFree(path: string, deps: { platform?: NodeJS.Platform; exec?: Exec } = {}): Promise<DiskSpace> {
  const platform = deps.platform ?? process.platform;
  const exec = deps.exec ?? execText;
  const target = deps.exec ? resolve(path) : await existingAncestor(path);
  if (platform === 'win32') {
    const m = /^([A-Za-z]:)/.exec(deps.exec ? path : target);
    if (!m) throw new Error(`diskFree: not a drive-letter path: ${path}`);
    const root = m[1]!.toUpperCase();
    try {
      const ps = `$d = New-Object System.IO.DriveInfo('${root}'); Write-Output ([string]$d.TotalSize + '|' + [string]$d.AvailableFreeSpace)`;
      const r = parseWindowsSpace(await exec('powershell.exe', ['-NoProfile', '-NonInteractive', '-Command', ps]));
      if (r) return r;
    } catch {
      // fall back to wmic
    }
    const out = await exec('wmic', ['logicaldisk', 'where', `DeviceID='${root}'`, 'get', 'FreeSpace,Size', '/value']);
    const r = parseWmicSpace(out.split(String.fromCharCode(0)).join(''));
    if (r) return r;
    throw new Error(`diskFree: cannot read free space of ${root}`);
  }
  const out = await exec('df', ['-Pk', target]);
  const r = parseDfPk(out);
  if (!r) throw new Error(`diskFree: cannot parse df output for ${target}`);
  return r;
}
