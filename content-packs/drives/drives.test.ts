import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RemovableDrive } from '../../common/bridge/methods/drives';
import { decodeMountField, parseProcMounts, removableMountsFromProc } from './linux-mounts';
import { decodeWmicOutput, parseDriveInfoOutput, parseWmicLogicalDisk, removableFromDriveInfo, removableFromWmic, POWERSHELL_DRIVES_SCRIPT } from './windows-drives';
import { listRemovableDrives } from './list-drives';
import { DrivePoller, diffDrives, type PollerClock } from './poller';
import { parseDfPk, parseWmicSpace, diskFree } from '../store/disk-space';

const fx = (name: string) => readFileSync(join(__dirname, '../../tests/fixtures/drives', name));

describe('Linux /proc/self/mounts', () => {
  it('decodes octal escapes and keeps UTF-8 bytes', () => {
    expect(decodeMountField('/media/a\\040b\\011c\\134d')).toBe('/media/a b\tc\\d');
    expect(decodeMountField('/media/teacher/U盘')).toBe('/media/teacher/U盘');
    // an escaped UTF-8 byte sequence (some kernels/tools escape non-ASCII too)
    expect(decodeMountField('/media/\\346\\225\\231')).toBe('/media/教');
  });

  it('offers only block-device sticks under /media, /run/media, /mnt', () => {
    const got = removableMountsFromProc(fx('linux-desktop-sticks.mounts').toString('utf8'));
    expect(got.map((m) => m.mountPoint)).toEqual(['/media/teacher/U盘', '/media/teacher/KINGSTON USB', '/run/media/jiaoshi/教学资源 第2批', '/mnt/usb']);
    expect(got.map((m) => m.label)).toEqual(['U盘', 'KINGSTON USB', '教学资源 第2批', 'usb']);
    expect(got[2]!.readOnly).toBe(true);
    expect(got[0]!.fsType).toBe('vfat');
  });

  it('finds no stick in the recorded container mounts', () => {
    const text = fx('linux-container-no-sticks.mounts').toString('utf8');
    expect(parseProcMounts(text).length).toBeGreaterThan(5);
    expect(removableMountsFromProc(text)).toEqual([]);
  });
});

describe('Windows DriveInfo (PowerShell 2.0 script)', () => {
  it('parses every drive and decodes base64 UTF-8 labels', () => {
    const all = parseDriveInfoOutput(fx('windows-driveinfo-ps2.txt').toString('ascii'));
    expect(all.map((d) => d.id)).toEqual(['A:', 'C:', 'D:', 'E:', 'F:', 'G:', 'Z:']);
    expect(all.find((d) => d.id === 'C:')!.label).toBe('系统');
    expect(all.find((d) => d.id === 'A:')!.isReady).toBe(false);
  });

  it('offers removable + ready drives only', () => {
    const got = removableFromDriveInfo(fx('windows-driveinfo-ps2.txt').toString('ascii'));
    expect(got).toEqual([
      { id: 'E:', mountPoint: 'E:\\', driveType: 'Removable', isReady: true, label: 'U盘', totalBytes: 15512829952, freeBytes: 9852420096 },
      { id: 'F:', mountPoint: 'F:\\', driveType: 'Removable', isReady: true, label: null, totalBytes: 31037849600, freeBytes: 31028215808 },
    ]);
  });

  it('the script only uses PowerShell 2.0 constructs', () => {
    // no ::new(), no ForEach-Object -Parallel, no [ordered], no ConvertTo-Json (3.0+)
    expect(POWERSHELL_DRIVES_SCRIPT).not.toMatch(/::new\(|ConvertTo-Json|\[ordered\]|-Parallel|\?\?/);
    expect(POWERSHELL_DRIVES_SCRIPT).toContain('[System.IO.DriveInfo]::GetDrives()');
  });
});

describe('wmic logicaldisk fallback', () => {
  it('decodes UTF-16LE with BOM and \\r\\r\\n line ends (CSV)', () => {
    const text = decodeWmicOutput(fx('wmic-logicaldisk-csv.utf16le.txt'));
    expect(text).toContain('U盘');
    const got = removableFromWmic(text);
    expect(got.map((d) => [d.id, d.label, d.freeBytes])).toEqual([
      ['E:', 'U盘', 9852420096],
      ['F:', null, 31028215808],
      ['H:', '课件,第2批', 1024000],
    ]);
    expect(parseWmicLogicalDisk(text).find((d) => d.id === 'A:')!.isReady).toBe(false);
  });

  it('decodes UTF-16LE without BOM (/value format)', () => {
    const got = removableFromWmic(decodeWmicOutput(fx('wmic-logicaldisk-value.utf16le.txt')));
    expect(got.map((d) => [d.id, d.label, d.totalBytes])).toEqual([['E:', 'U盘', 15512829952]]);
  });

  it('decodes GBK (OEM code page 936)', () => {
    const got = removableFromWmic(decodeWmicOutput(fx('wmic-logicaldisk-csv.gbk.txt')));
    expect(got.map((d) => d.label)).toEqual(['U盘', null, '课件,第2批']);
  });
});

describe('listRemovableDrives per platform (injected exec)', () => {
  it('Windows: PowerShell first', async () => {
    const calls: string[] = [];
    const drives = await listRemovableDrives({
      platform: 'win32',
      exec: async (file) => {
        calls.push(file);
        return fx('windows-driveinfo-ps2.txt');
      },
    });
    expect(calls).toEqual(['powershell.exe']);
    expect(drives.map((d) => d.id)).toEqual(['E:', 'F:']);
  });

  it('Windows: falls back to wmic when PowerShell is missing', async () => {
    const calls: string[] = [];
    const drives = await listRemovableDrives({
      platform: 'win32',
      exec: async (file) => {
        calls.push(file);
        if (file === 'powershell.exe') throw Object.assign(new Error('spawn powershell.exe ENOENT'), { code: 'ENOENT' });
        return fx('wmic-logicaldisk-csv.utf16le.txt');
      },
    });
    expect(calls).toEqual(['powershell.exe', 'wmic']);
    expect(drives.map((d) => d.label)).toEqual(['U盘', null, '课件,第2批']);
  });

  it('Linux: mounts + free space', async () => {
    const drives = await listRemovableDrives({
      platform: 'linux',
      readMounts: async () => fx('linux-desktop-sticks.mounts').toString('utf8'),
      spaceOf: async (p) => (p === '/mnt/usb' ? null : { totalBytes: 100, freeBytes: 40 }),
    });
    expect(drives[0]).toEqual({ id: '/media/teacher/U盘', mountPoint: '/media/teacher/U盘', label: 'U盘', totalBytes: 100, freeBytes: 40 });
    expect(drives[3]!.freeBytes).toBeNull();
  });
});

describe('DrivePoller', () => {
  const stick = (id: string, label: string | null = null): RemovableDrive => ({ id, mountPoint: id, label, totalBytes: 1, freeBytes: 1 });

  it('emits arrived and left diffs on each tick of an injected clock', async () => {
    let fire: () => void = () => undefined;
    let cleared = false;
    const clock: PollerClock = {
      setInterval: (fn, ms) => {
        expect(ms).toBe(2000);
        fire = fn;
        return 1;
      },
      clearInterval: () => {
        cleared = true;
      },
    };
    const states = [[], [stick('E:', 'U盘')], [stick('E:', 'U盘')], [stick('F:')], []];
    let i = 0;
    const diffs: Array<{ arrived: string[]; left: string[] }> = [];
    const poller = new DrivePoller(async () => states[Math.min(i++, states.length - 1)]!, (d) => diffs.push({ arrived: d.arrived.map((x) => x.id), left: d.left.map((x) => x.id) }), { clock });
    await poller.start();
    for (let k = 0; k < 4; k++) {
      fire();
      await poller.tick(); // joins the in-flight tick
    }
    expect(diffs).toEqual([
      { arrived: ['E:'], left: [] },
      { arrived: ['F:'], left: ['E:'] },
      { arrived: [], left: ['F:'] },
    ]);
    await poller.stop();
    expect(cleared).toBe(true);
  });

  it('keeps the previous list when a read fails', async () => {
    const errors: unknown[] = [];
    let fail = false;
    const poller = new DrivePoller(
      async () => {
        if (fail) throw new Error('powershell hung');
        return [stick('E:')];
      },
      () => undefined,
      { clock: { setInterval: () => 0, clearInterval: () => undefined }, onError: (e) => errors.push(e) },
    );
    await poller.start();
    fail = true;
    await poller.tick();
    expect(poller.drives.map((d) => d.id)).toEqual(['E:']);
    expect(errors).toHaveLength(1);
  });

  it('diffDrives treats a relabelled stick as left + arrived', () => {
    const d = diffDrives([stick('E:', 'A')], [stick('E:', 'B')]);
    expect(d.arrived.map((x) => x.label)).toEqual(['B']);
    expect(d.left.map((x) => x.label)).toEqual(['A']);
  });
});

describe('disk space', () => {
  it('parses recorded df -Pk output', () => {
    const r = parseDfPk(fx('df-Pk-recorded.txt').toString('utf8'))!;
    expect(r.totalBytes).toBe(264212084 * 1024);
    expect(r.freeBytes).toBe(82400216 * 1024);
  });
  it('handles mount points with spaces and wmic /value', () => {
    expect(parseDfPk('Filesystem 1024-blocks Used Available Capacity Mounted on\n/dev/sdb1 100 10 90 10% /media/a b\n')).toEqual({ totalBytes: 102400, freeBytes: 92160 });
    expect(parseWmicSpace('\r\r\nFreeSpace=123\r\r\nSize=456\r\r\n')).toEqual({ totalBytes: 456, freeBytes: 123 });
  });
  it('Windows: PowerShell DriveInfo, wmic fallback (injected exec)', async () => {
    const r = await diskFree('C:\\Users\\t\\AppData\\Roaming\\TeachPoint', {
      platform: 'win32',
      exec: async (file, args) => {
        if (file === 'powershell.exe') throw new Error('no powershell');
        expect(args).toContain("DeviceID='C:'");
        return 'FreeSpace=10\r\nSize=20\r\n';
      },
    });
    expect(r).toEqual({ totalBytes: 20, freeBytes: 10 });
  });
  it('really works on this machine for a path that does not exist yet', async () => {
    const r = await diskFree(join(__dirname, 'no', 'such', 'dir'));
    expect(r.totalBytes).toBeGreaterThan(0);
    expect(r.freeBytes).toBeGreaterThan(0);
    expect(r.freeBytes).toBeLessThanOrEqual(r.totalBytes);
  });
});
