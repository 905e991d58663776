import { existsSync } from 'fs';
import * as path from 'path';

/**
 * Packaged app: ffmpeg/ffprobe sit in resources/ffmpeg/ (electron-builder.yml extraResources), outside
 * app.asar; point content-packs/media/binaries.ts at them unless the environment already chose.
 */
export function useBundledMediaTools(resourcesPath: string, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): void {
  const exe = platform === 'win32' ? '.exe' : '';
  for (const [tool, key] of [['ffmpeg', 'FFMPEG_PATH'], ['ffprobe', 'FFPROBE_PATH']] as const) {
    const candidate = path.join(resourcesPath, 'ffmpeg', `${tool}${exe}`);
    if (!env[key] && existsSync(candidate)) env[key] = candidate;
  }
}
