/**
 * Windows: removable drives without native modules. Primary source is PowerShell's
 * `[System.IO.DriveInfo]::GetDrives()` (PowerShell 2.0 on Windows 7 has it); fallback is
 * `wmic logicaldisk`. Both parsers are pure and tested against fixtures in tests/fixtures/drives/.
 */

export interface WindowsDrive {
  /** Drive letter with colon, e.g. "E:". */
  id: string;
  /** Root path, e.g. "E:\\". */
  mountPoint: string;
  driveType: string;
  isReady: boolean;
  label: string | null;
  totalBytes: number | null;
  freeBytes: number | null;
}

/**
 * PowerShell 2.0-compatible script. One line per drive:
 *   TPDRIVE|<Name>|<DriveType>|<IsReady>|<TotalSize>|<AvailableFreeSpace>|<base64(UTF-8 VolumeLabel)>
 * The label is base64 so the console code page (GBK/936 on Chinese Windows, 437 elsewhere) cannot
 * mangle labels like "U盘"; everything else is ASCII. A drive that is not ready prints empty sizes.
 */
export const POWERSHELL_DRIVES_SCRIPT = [
  '$ErrorActionPreference = "SilentlyContinue"',
  'foreach ($d in [System.IO.DriveInfo]::GetDrives()) {',
  '  $t = ""; $f = ""; $l = ""',
  '  if ($d.IsReady) { $t = [string]$d.TotalSize; $f = [string]$d.AvailableFreeSpace; $l = [Convert]::ToBase64String([System.Text.Encoding]::UTF8.GetBytes([string]$d.VolumeLabel)) }',
  '  Write-Output ("TPDRIVE|" + $d.Name + "|" + $d.DriveType + "|" + $d.IsReady + "|" + $t + "|" + $f + "|" + $l)',
  '}',
].join('\n');

/** Arguments for powershell.exe (works on 2.0: -NoProfile, -NonInteractive, -Command). */
export function powershellDrivesArgs(): string[] {
  return ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-Command', POWERSHELL_DRIVES_SCRIPT];
}

function num(s: string | undefined): number | null {
  if (s === undefined || s.trim() === '') return null;
  const n = Number(s.trim());
  return Number.isFinite(n) && n >= 0 ? n : null;
}

function decodeBase64Utf8(s: string): string {
  if (!s.trim()) return '';
  return Buffer.from(s.trim(), 'base64').toString('utf8');
}

/** Parse the output of POWERSHELL_DRIVES_SCRIPT (all drives, any type). Unknown lines are ignored. */
export function parseDriveInfoOutput(text: string): WindowsDrive[] {
  const out: WindowsDrive[] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/^\uFEFF/, '').trim();
    if (!line.startsWith('TPDRIVE|')) continue;
    const f = line.split('|');
    const name = (f[1] ?? '').trim();
    const m = /^([A-Za-z]):\\?$/.exec(name);
    if (!m) continue;
    const letter = m[1]!.toUpperCase();
    const label = decodeBase64Utf8(f[6] ?? '').trim();
    out.push({
      id: `${letter}:`,
      mountPoint: `${letter}:\\`,
      driveType: (f[2] ?? '').trim(),
      isReady: (f[3] ?? '').trim().toLowerCase() === 'true',
      totalBytes: num(f[4]),
      freeBytes: num(f[5]),
      label: label || null,
    });
  }
  return out;
}

/** Removable and ready — what we offer as a USB stick. */
export function removableFromDriveInfo(text: string): WindowsDrive[] {
  return parseDriveInfoOutput(text).filter((d) => d.driveType === 'Removable' && d.isReady);
}

/** wmic fallback (wmic.exe ships with Windows 7–10; CSV is parsed, `/value` output too). */
export const WMIC_ARGS_CSV = ['logicaldisk', 'get', 'Caption,DriveType,FreeSpace,Size,VolumeName', '/format:csv'];
export const WMIC_ARGS_VALUE = ['logicaldisk', 'get', 'Caption,DriveType,FreeSpace,Size,VolumeName', '/value'];

/**
 * wmic writes UTF-16LE (with or without BOM) when its output is redirected; older builds or
 * `cmd /c` wrappers may hand us the OEM code page (GBK on Chinese Windows) or UTF-8 instead.
 */
export function decodeWmicOutput(bytes: Uint8Array): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
  let zeros = 0;
  const sample = Math.min(bytes.length, 400);
  for (let i = 1; i < sample; i += 2) if (bytes[i] === 0) zeros++;
  if (sample > 4 && zeros > sample / 4) return new TextDecoder('utf-16le').decode(bytes);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('gbk').decode(bytes);
  }
}

/** Parse `wmic logicaldisk get … /format:csv` or `/value` output (text already decoded). All drive types. */
export function parseWmicLogicalDisk(text: string): WindowsDrive[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r*\n/).map((l) => l.replace(/\r/g, ''));
  const rows: Record<string, string>[] = [];
  const headerIdx = lines.findIndex((l) => /(^|,)Caption(,|$)/i.test(l.trim()) && l.includes(','));
  if (headerIdx >= 0) {
    const header = lines[headerIdx]!.trim().split(',').map((h) => h.trim().toLowerCase());
    for (const l of lines.slice(headerIdx + 1)) {
      if (!l.trim()) continue;
      // VolumeName is last and may itself contain commas: join the tail back.
      const cells = l.split(',');
      const row: Record<string, string> = {};
      header.forEach((h, i) => {
        row[h] = i === header.length - 1 ? cells.slice(i).join(',') : (cells[i] ?? '');
      });
      rows.push(row);
    }
  } else {
    let cur: Record<string, string> = {};
    for (const l of lines) {
      const t = l.trim();
      if (!t) {
        if (Object.keys(cur).length) rows.push(cur);
        cur = {};
        continue;
      }
      const eq = t.indexOf('=');
      if (eq > 0) cur[t.slice(0, eq).toLowerCase()] = t.slice(eq + 1);
    }
    if (Object.keys(cur).length) rows.push(cur);
  }
  const out: WindowsDrive[] = [];
  for (const r of rows) {
    const m = /^([A-Za-z]):$/.exec((r['caption'] ?? '').trim());
    if (!m) continue;
    const letter = m[1]!.toUpperCase();
    const type = (r['drivetype'] ?? '').trim();
    const size = num(r['size']);
    const label = (r['volumename'] ?? '').trim();
    out.push({
      id: `${letter}:`,
      mountPoint: `${letter}:\\`,
      driveType: WMIC_DRIVE_TYPES[type] ?? type,
      // wmic has no IsReady; an empty card reader slot reports no Size.
      isReady: size !== null,
      totalBytes: size,
      freeBytes: num(r['freespace']),
      label: label || null,
    });
  }
  return out;
}

/** Win32_LogicalDisk.DriveType codes, named like System.IO.DriveType. */
const WMIC_DRIVE_TYPES: Record<string, string> = {
  '0': 'Unknown',
  '1': 'NoRootDirectory',
  '2': 'Removable',
  '3': 'Fixed',
  '4': 'Network',
  '5': 'CDRom',
  '6': 'Ram',
};

export function removableFromWmic(text: string): WindowsDrive[] {
  return parseWmicLogicalDisk(text).filter((d) => d.driveType === 'Removable' && d.isReady);
}
