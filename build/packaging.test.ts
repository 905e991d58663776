import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as asar from '@electron/asar';
import { getCurrentFuseWire, FuseV1Options } from '@electron/fuses';
import { Arch, build, Platform } from 'electron-builder';
import * as ResEdit from 'resedit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { lineConfig, writeLineConfig } from './dist.mjs';
import { readIcoDirectory } from './make-icons.mjs';
import { stageApp } from './stage-app.mjs';

// Issue 9: the REAL electron-builder packs the REAL staged app (production bundles + built renderer)
// for every platform/arch it can build on Linux without downloads, using `dir` targets and stand-in
// Electron distributions (electronDist). No Electron binary exists here, so each stand-in is a
// placeholder executable with the names each platform expects: on Windows a real PE image (made with
// resedit, which electron-builder edits) and on both a fuse wire with Electron's sentinel, so the
// fuses electron-builder flips can be read back. Then every app.asar is opened and its file set checked.
// Which targets: linux x64 + arm64 and win x64 (current line), win x64 + ia32 (classic line) — all of
// them; the installers (NSIS, deb, AppImage) need tools electron-builder downloads, see docs/packaging.md.
const require = createRequire(import.meta.url);
const repo = path.resolve(import.meta.dirname, '..');
const work = mkdtempSync(path.join(tmpdir(), 'tp-packaging-'));
const project = path.join(work, 'project');
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const CURRENT_ELECTRON = (require('electron/package.json') as { version: string }).version;
const CLASSIC_ELECTRON = '22.3.27';

type Line = 'current' | 'classic';
interface Case {
  line: Line;
  platform: 'linux' | 'win32';
  arch: 'x64' | 'arm64' | 'ia32';
}
const CASES: Case[] = [
  { line: 'current', platform: 'linux', arch: 'x64' },
  { line: 'current', platform: 'linux', arch: 'arm64' },
  { line: 'current', platform: 'win32', arch: 'x64' },
  { line: 'classic', platform: 'win32', arch: 'x64' },
  { line: 'classic', platform: 'win32', arch: 'ia32' },
];

/** Electron's fuse wire as the binary carries it: sentinel, version 1, length, one byte per fuse ('1' = on). */
function fuseWire(length: number): Buffer {
  return Buffer.concat([Buffer.from(FUSE_SENTINEL), Buffer.from([1, length]), Buffer.alloc(length, 0x31)]);
}

/** A PE image electron-builder's resedit can edit: version info + the fuse wire in a resource. */
function standInExe(arch: string, version: string, wireLength: number): Buffer {
  const exe = ResEdit.NtExecutable.createEmpty(arch === 'ia32', false);
  const res = ResEdit.NtExecutableResource.from(exe);
  const vi = ResEdit.Resource.VersionInfo.createEmpty();
  const [major, minor, patch] = version.split('.').map(Number) as [number, number, number];
  vi.setFileVersion(major, minor, patch, 0, 1033);
  vi.setProductVersion(major, minor, patch, 0, 1033);
  vi.setStringValues({ lang: 1033, codepage: 1200 }, { ProductName: 'Electron', FileDescription: 'Electron stand-in', OriginalFilename: 'electron.exe' });
  vi.outputToResourceEntries(res.entries);
  res.entries.push({ type: 'TPFUSE', id: 1, lang: 1033, codepage: 1200, bin: fuseWire(wireLength).buffer.slice(0) as ArrayBuffer });
  res.outputResource(exe);
  return Buffer.from(exe.generate());
}

/** An unpacked Electron distribution with the file names electron-builder expects. */
function standInElectron(c: Case, version: string): string {
  const dir = path.join(work, 'electron', `${version}-${c.platform}-${c.arch}`);
  if (existsSync(dir)) return dir;
  mkdirSync(path.join(dir, 'resources'), { recursive: true });
  mkdirSync(path.join(dir, 'locales'), { recursive: true });
  // Electron 22's wire has 7 fuses; GrantFileProtocolExtraPrivileges (the 8th) arrived in Electron 29.
  const wire = version.startsWith('22.') ? 7 : 8;
  if (c.platform === 'win32') {
    writeFileSync(path.join(dir, 'electron.exe'), standInExe(c.arch, version, wire));
  } else {
    writeFileSync(path.join(dir, 'electron'), Buffer.concat([Buffer.from('\x7fELF stand-in\n'), fuseWire(wire)]));
    chmodSync(path.join(dir, 'electron'), 0o755);
  }
  writeFileSync(path.join(dir, 'LICENSE'), 'MIT');
  writeFileSync(path.join(dir, 'LICENSES.chromium.html'), '<p>licenses</p>');
  writeFileSync(path.join(dir, 'version'), version);
  for (const l of ['zh-CN', 'en-US', 'de', 'fr']) writeFileSync(path.join(dir, 'locales', `${l}.pak`), l);
  return dir;
}

/** Stand-in ffmpeg/ffprobe packages for every platform: the content names its platform. */
function standInFfmpeg(): void {
  for (const c of CASES) {
    const exe = c.platform === 'win32' ? '.exe' : '';
    for (const tool of ['ffmpeg', 'ffprobe']) {
      const dir = path.join(project, 'node_modules', `@${tool}-installer`, `${c.platform}-${c.arch}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `${tool}${exe}`), `${tool} for ${c.platform}-${c.arch}`);
      chmodSync(path.join(dir, `${tool}${exe}`), 0o755);
      writeFileSync(path.join(dir, 'package.json'), '{}');
      writeFileSync(path.join(dir, 'README.md'), 'readme');
    }
  }
}

interface Built {
  appOutDir: string;
  resources: string;
  files: string[];
  effective: Record<string, unknown>;
}
const built = new Map<string, Built>();
const key = (c: Case) => `${c.line}-${c.platform}-${c.arch}`;

beforeAll(async () => {
  mkdirSync(project, { recursive: true });
  for (const f of ['icon.ico', 'icon.png', 'icons']) cpSync(path.join(repo, 'build', f), path.join(project, 'build', f), { recursive: true });
  // Like the repository: the project declares production dependencies and has them installed. The staged
  // app declares none, and electron-builder then falls back to collecting the project's — they must stay out.
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'teachpoint', version: '0.1.0', private: true, dependencies: { 'tp-fake-dep': '1.0.0' } }));
  mkdirSync(path.join(project, 'node_modules', 'tp-fake-dep'), { recursive: true });
  writeFileSync(path.join(project, 'node_modules', 'tp-fake-dep', 'package.json'), JSON.stringify({ name: 'tp-fake-dep', version: '1.0.0', main: 'index.js' }));
  writeFileSync(path.join(project, 'node_modules', 'tp-fake-dep', 'index.js'), 'module.exports = 1;');
  standInFfmpeg();
  // Built once for all targets: production bundles + the renderer (vite; rebuilt only when stale).
  await stageApp({ out: path.join(project, 'dist', 'app'), log: () => {} });

  // The builds run concurrently: most of each one's time is electron-builder waiting on `npm ls`.
  await Promise.all(
    CASES.map(async (c) => {
      const version = c.line === 'classic' ? CLASSIC_ELECTRON : CURRENT_ELECTRON;
      const platform = c.platform === 'win32' ? Platform.WINDOWS : Platform.LINUX;
      const output = path.join(work, 'out', key(c));
      // The same merged configuration `npm run dist:<line>` passes to electron-builder, plus the stand-in Electron.
      const overrides = { electronVersion: version, electronDist: standInElectron(c, version), directories: { output } };
      const config = writeLineConfig(c.line, path.join(work, `${key(c)}.yml`), overrides, repo);
      const effective = lineConfig(c.line, overrides, repo);
      await build({ projectDir: project, publish: 'never', targets: platform.createTarget('dir', Arch[c.arch]), config });
      const appOutDir = path.join(output, readdirSync(output).find((d) => d.endsWith('-unpacked'))!);
      const resources = path.join(appOutDir, 'resources');
      built.set(key(c), {
        appOutDir,
        resources,
        files: asar.listPackage(path.join(resources, 'app.asar'), { isPack: false }).map((f) => f.replaceAll('\\', '/')),
        effective,
      });
    }),
  );
}, 600_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(CASES)('electron-builder dir target: $line $platform $arch', (c) => {
  const get = () => built.get(key(c))!;

  it('app.asar holds the renderer build, the main/preload bundles and package.json — no tests, sources, maps or node_modules', () => {
    const { files } = get();
    const regular = files.filter((f) => /\.[a-z0-9]+$/i.test(f));
    expect(files).toEqual(expect.arrayContaining(['/package.json', '/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/dist/renderer/index.html']));
    expect(regular.some((f) => /^\/dist\/renderer\/assets\/index-[\w-]+\.js$/.test(f))).toBe(true);
    expect(files.filter((f) => /\.map$|\.tsx?$|\.test\.|\.spec\.|(^|\/)node_modules(\/|$)|\/tests?\//.test(f))).toEqual([]);
    // Nothing but the staged app: package.json, the two bundles and the renderer.
    expect(regular.filter((f) => !/^\/dist\/renderer\//.test(f)).sort()).toEqual(['/dist/electron/main.cjs', '/dist/electron/preload.cjs', '/package.json']);
    const pkg = JSON.parse(asar.extractFile(path.join(get().resources, 'app.asar'), 'package.json').toString()) as Record<string, unknown>;
    expect(pkg).toMatchObject({ main: 'dist/electron/main.cjs', productName: '教学点课堂' });
    expect(pkg.dependencies).toBeUndefined();
    const preload = asar.extractFile(path.join(get().resources, 'app.asar'), 'dist/electron/preload.cjs').toString();
    expect(preload.length).toBeLessThan(16 * 1024);
    expect(preload).not.toMatch(/ZodError/);
  });

  it('ships this platform’s ffmpeg/ffprobe unpacked next to app.asar, and no other platform’s', () => {
    const { resources } = get();
    const exe = c.platform === 'win32' ? '.exe' : '';
    expect(readdirSync(path.join(resources, 'ffmpeg')).sort()).toEqual([`ffmpeg${exe}`, `ffprobe${exe}`]);
    for (const tool of ['ffmpeg', 'ffprobe']) expect(readFileSync(path.join(resources, 'ffmpeg', `${tool}${exe}`), 'utf8')).toBe(`${tool} for ${c.platform}-${c.arch}`);
    expect(readdirSync(resources).sort()).toEqual(['app.asar', 'ffmpeg']); // no app.asar.unpacked
    if (c.platform === 'linux') expect(statSync(path.join(resources, 'ffmpeg', 'ffmpeg')).mode & 0o111).not.toBe(0);
  });

  it('flipped the fuses: no run-as-node, no NODE_OPTIONS, no --inspect, app only from asar', async () => {
    const { appOutDir } = get();
    const exe = c.platform === 'win32' ? path.join(appOutDir, 'TeachPoint.exe') : path.join(appOutDir, 'teachpoint');
    const wire = await getCurrentFuseWire(exe);
    const on = (fuse: FuseV1Options) => String.fromCharCode(wire[fuse] as number);
    expect(on(FuseV1Options.RunAsNode)).toBe('0');
    expect(on(FuseV1Options.EnableNodeOptionsEnvironmentVariable)).toBe('0');
    expect(on(FuseV1Options.EnableNodeCliInspectArguments)).toBe('0');
    expect(on(FuseV1Options.OnlyLoadAppFromAsar)).toBe('1');
    // Only zh-CN and en-US Chromium locales; Electron's own license kept.
    expect(readdirSync(path.join(appOutDir, 'locales')).sort()).toEqual(['en-US.pak', 'zh-CN.pak']);
  });

  it('names and brands the executable for the platform', () => {
    const { appOutDir, effective } = get();
    expect(effective).toMatchObject({ npmRebuild: false, asar: true, appId: 'cn.teachpoint.app', productName: '教学点课堂' });
    if (c.platform === 'linux') {
      expect(statSync(path.join(appOutDir, 'teachpoint')).mode & 0o111).not.toBe(0);
      return;
    }
    // electron-builder rewrote the stand-in's version resource (resedit): product name and app version.
    const exe = ResEdit.NtExecutable.from(readFileSync(path.join(appOutDir, 'TeachPoint.exe')));
    const [vi] = ResEdit.Resource.VersionInfo.fromEntries(ResEdit.NtExecutableResource.from(exe).entries);
    const strings = vi!.getStringValues(vi!.getAllLanguagesForStringValues()[0]!);
    expect(strings).toMatchObject({ ProductName: '教学点课堂', FileVersion: '0.1.0' });
  });
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML, checked field by field below
type Yaml = Record<string, any>;

describe('configuration constraints (electron-builder.yml, electron-builder.classic.yml)', () => {
  const current = parseYaml(readFileSync(path.join(repo, 'electron-builder.yml'), 'utf8')) as Yaml;
  const classic = parseYaml(readFileSync(path.join(repo, 'electron-builder.classic.yml'), 'utf8')) as Yaml;
  const archs = (cfg: Yaml, platform: string, target: string): string[] =>
    (cfg[platform]?.target ?? []).filter((t: { target: string }) => t.target === target).flatMap((t: { arch: string[] }) => t.arch);

  it('classic is pinned to Electron 22.x (Windows 7, 32-bit): NSIS and portable for x64 + ia32, nothing else', () => {
    const merged = lineConfig('classic');
    expect(String(merged.electronVersion)).toMatch(/^22\.3\.\d+$/);
    expect(archs(merged, 'win', 'nsis').sort()).toEqual(['ia32', 'x64']);
    expect(archs(merged, 'win', 'portable').sort()).toEqual(['ia32', 'x64']);
    expect(merged.win.target).toHaveLength(2);
    // Everything else is shared with the current line (fuses, NSIS rules, ffmpeg, files).
    expect(merged.nsis).toEqual(current.nsis);
    expect(merged.win.extraResources).toEqual(current.win.extraResources);
    expect(merged.electronFuses).toEqual(current.electronFuses);
    expect(classic.win.target).toEqual(merged.win.target);
  });

  it('ia32 only where the Electron still has it: never on the current line', () => {
    expect(Number(CURRENT_ELECTRON.split('.')[0])).toBeGreaterThan(22);
    expect(current.electronVersion).toBeUndefined();
    expect(lineConfig('current').electronVersion).toBeUndefined(); // = node_modules/electron
    expect(JSON.stringify(current)).not.toContain('ia32');
  });

  it('current line: Windows NSIS x64, Linux deb first then AppImage, both x64 and arm64', () => {
    expect(archs(current, 'win', 'nsis')).toEqual(['x64']);
    expect(current.linux.target.map((t: { target: string }) => t.target)).toEqual(['deb', 'AppImage']);
    expect(archs(current, 'linux', 'deb').sort()).toEqual(['arm64', 'x64']);
    expect(archs(current, 'linux', 'AppImage').sort()).toEqual(['arm64', 'x64']);
  });

  it('installs per user without administrator rights and never deletes data on uninstall', () => {
    expect(current.nsis).toMatchObject({ perMachine: false, allowElevation: false, oneClick: false, deleteAppDataOnUninstall: false });
    expect(classic.portable).toMatchObject({ requestExecutionLevel: 'user' });
    expect(current.npmRebuild).toBe(false);
    expect(current.asar).toBe(true);
    expect(current.electronFuses).toEqual({ runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false, onlyLoadAppFromAsar: true });
    expect(current.productName).toBe('教学点课堂');
  });

  it('icons: ICO with 16–256 px, PNG set up to 512 px for Linux', () => {
    const ico = readIcoDirectory(readFileSync(path.join(repo, 'build', 'icon.ico')));
    expect(ico.map((e) => e.width)).toEqual([16, 24, 32, 48, 64, 128, 256]);
    expect(ico.find((e) => e.width === 256)?.format).toBe('png');
    expect(ico.find((e) => e.width === 16)?.format).toBe('bmp');
    for (const n of [16, 32, 48, 256, 512]) {
      const png = readFileSync(path.join(repo, 'build', 'icons', `${n}x${n}.png`));
      expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([n, n]);
    }
  });
});
