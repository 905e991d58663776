/**
 * Finding ffmpeg / ffprobe — ONE place for the whole code base (DESIGN §2):
 *   1. env FFMPEG_PATH / FFPROBE_PATH
 *   2. the binary bundled in @ffmpeg-installer/ffmpeg / @ffprobe-installer/ffprobe
 *      (in a packaged Electron app: the `app.asar.unpacked` copy)
 *   3. `ffmpeg` / `ffprobe` on PATH
 * otherwise a bilingual `media.ffmpeg-missing` error that says what to do.
 *
 * Node 16 APIs only.
 */
import { accessSync, chmodSync, constants, existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, join } from 'node:path';
import { TeachPointError } from '../../common/errors/errors';

export type MediaTool = 'ffmpeg' | 'ffprobe';

const ENV: Record<MediaTool, string> = { ffmpeg: 'FFMPEG_PATH', ffprobe: 'FFPROBE_PATH' };
const PACKAGE: Record<MediaTool, string> = { ffmpeg: '@ffmpeg-installer/ffmpeg', ffprobe: '@ffprobe-installer/ffprobe' };

const resolved = new Map<MediaTool, string>();

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (process.platform === 'win32') return true;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The bundled binary. npm install scripts are disabled in this project (.npmrc), so the
 * package's own `postinstall: chmod u+x` may never have run: do that one step here when we can.
 */
function bundled(tool: MediaTool): string | null {
  let path: string | null = null;
  const bases: Array<() => string> = [
    () => import.meta.url,
    () => (typeof __filename === 'string' ? __filename : ''),
    () => join(process.cwd(), 'index.js'),
  ];
  for (const base of bases) {
    try {
      const from = base();
      if (!from) continue;
      path = (createRequire(from)(PACKAGE[tool]) as { path: string }).path;
      break;
    } catch {
      // next base
    }
  }
  if (!path) return null;
  const unpacked = path.replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  for (const candidate of unpacked === path ? [path] : [unpacked, path]) {
    if (!existsSync(candidate)) continue;
    if (!isExecutable(candidate)) {
      try {
        chmodSync(candidate, statSync(candidate).mode | 0o100);
      } catch {
        continue;
      }
    }
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function onPath(tool: MediaTool): string | null {
  const names = process.platform === 'win32' ? [`${tool}.exe`] : [tool];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of names) {
      const candidate = join(dir, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return null;
}

function resolveTool(tool: MediaTool): string {
  const envName = ENV[tool];
  const fromEnv = process.env[envName];
  if (fromEnv) {
    if (isExecutable(fromEnv)) return fromEnv;
    throw new TeachPointError(
      'media.ffmpeg-missing',
      {
        zh: `环境变量 ${envName} 指向的 ${tool} 不存在或不可执行：${fromEnv}。请改正该路径，或删除这个环境变量以使用内置的 ${tool}。`,
        en: `${envName} points to a ${tool} that does not exist or is not executable: ${fromEnv}. Fix the path, or unset the variable to use the bundled ${tool}.`,
      },
      { tool, path: fromEnv },
    );
  }
  const cached = resolved.get(tool);
  if (cached && isExecutable(cached)) return cached;
  const found = bundled(tool) ?? onPath(tool);
  if (found) {
    resolved.set(tool, found);
    return found;
  }
  throw new TeachPointError(
    'media.ffmpeg-missing',
    {
      zh: `找不到 ${tool}。请重新运行 npm install（安装 ${PACKAGE[tool]}），或安装 ${tool} 并加入 PATH，或设置环境变量 ${envName} 指向它。`,
      en: `Cannot find ${tool}. Re-run npm install (it ships ${PACKAGE[tool]}), install ${tool} on PATH, or set ${envName} to its location.`,
    },
    { tool },
  );
}

/** Absolute path of the ffmpeg binary (env FFMPEG_PATH → bundled → PATH). */
export function resolveFfmpeg(): string {
  return resolveTool('ffmpeg');
}

/** Absolute path of the ffprobe binary (env FFPROBE_PATH → bundled → PATH). */
export function resolveFfprobe(): string {
  return resolveTool('ffprobe');
}
