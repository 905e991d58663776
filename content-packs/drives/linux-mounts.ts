/**
 * Linux: removable media from `/proc/self/mounts`. Pure functions — the poller feeds them the
 * file's text; tests feed recorded fixtures (tests/fixtures/drives/).
 */

export interface MountEntry {
  device: string;
  mountPoint: string;
  fsType: string;
  options: string[];
}

/** Undo the kernel's octal escapes in mount fields (`\040` space, `\011` tab, `\012` newline, `\134` backslash). */
export function decodeMountField(field: string): string {
  if (!field.includes('\\')) return field;
  // Escapes encode single bytes of the (UTF-8) path; collect bytes, then decode once.
  const bytes: number[] = [];
  for (let i = 0; i < field.length; i++) {
    const m = /^\\([0-7]{3})/.exec(field.slice(i, i + 4));
    if (m) {
      bytes.push(parseInt(m[1]!, 8));
      i += 3;
    } else {
      const code = field.codePointAt(i)!;
      const ch = String.fromCodePoint(code);
      bytes.push(...new TextEncoder().encode(ch));
      if (code > 0xffff) i++;
    }
  }
  return new TextDecoder('utf-8').decode(new Uint8Array(bytes));
}

export function parseProcMounts(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4) continue;
    out.push({
      device: decodeMountField(fields[0]!),
      mountPoint: decodeMountField(fields[1]!),
      fsType: fields[2]!,
      options: fields[3]!.split(','),
    });
  }
  return out;
}

/** Filesystems a USB stick or SD card carries; pseudo/network filesystems are never offered. */
const REMOVABLE_FS = new Set(['vfat', 'msdos', 'exfat', 'ntfs', 'ntfs3', 'fuseblk', 'ext2', 'ext3', 'ext4', 'btrfs', 'xfs', 'f2fs', 'iso9660', 'udf', 'hfsplus']);

const REMOVABLE_ROOTS = ['/media/', '/run/media/', '/mnt/'];

export interface LinuxRemovableMount {
  id: string;
  mountPoint: string;
  device: string;
  fsType: string;
  /** Last path component (udisks names the mount after the volume label). */
  label: string | null;
  readOnly: boolean;
}

/**
 * Mounts under /media, /run/media or /mnt backed by a real block device with a stick-like
 * filesystem. (udisks mounts sticks at /run/media/<user>/<label> or /media/<user>/<label>.)
 */
export function removableMountsFromProc(text: string): LinuxRemovableMount[] {
  const seen = new Set<string>();
  const out: LinuxRemovableMount[] = [];
  for (const m of parseProcMounts(text)) {
    if (!REMOVABLE_ROOTS.some((r) => m.mountPoint.startsWith(r))) continue;
    if (!REMOVABLE_FS.has(m.fsType)) continue;
    if (!m.device.startsWith('/dev/')) continue;
    if (seen.has(m.mountPoint)) continue;
    seen.add(m.mountPoint);
    const parts = m.mountPoint.split('/').filter(Boolean);
    out.push({
      id: m.mountPoint,
      mountPoint: m.mountPoint,
      device: m.device,
      fsType: m.fsType,
      label: parts.length > 1 ? parts[parts.length - 1]! : null,
      readOnly: m.options.includes('ro'),
    });
  }
  return out;
}
