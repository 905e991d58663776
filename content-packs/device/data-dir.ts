import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * The app's data directory: `TEACHPOINT_DATA` if set; else `%APPDATA%\TeachPoint` on Windows,
 * `~/Library/Application Support/TeachPoint` on macOS, `$XDG_CONFIG_HOME/TeachPoint` or
 * `~/.config/TeachPoint` on Linux (Electron's `app.getPath('userData')` with our product name).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.TEACHPOINT_DATA) return env.TEACHPOINT_DATA;
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'TeachPoint');
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'TeachPoint');
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'TeachPoint');
}
