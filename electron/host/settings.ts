import { promises as fs } from 'fs';
import * as path from 'path';

/** Device settings that must be known before the UI exists (read by electron/main at startup). */
export interface DeviceSettings {
  /** GPU acceleration off — for old PCs with broken graphics drivers. */
  safeMode: boolean;
}

const DEFAULTS: DeviceSettings = { safeMode: false };

export function settingsPath(dataDir: string): string {
  return path.join(dataDir, 'settings.json');
}

/** Missing or unreadable settings fall back to defaults: a corrupt file must never stop the app starting. */
export async function readSettings(dataDir: string): Promise<DeviceSettings> {
  try {
    const parsed: unknown = JSON.parse(await fs.readFile(settingsPath(dataDir), 'utf8'));
    if (parsed && typeof parsed === 'object') {
      const safeMode = (parsed as { safeMode?: unknown }).safeMode;
      return { ...DEFAULTS, safeMode: safeMode === true };
    }
  } catch {
    // fall through to defaults
  }
  return { ...DEFAULTS };
}

/** Written by temp file + fsync + rename so a power cut leaves either the old or the new file. */
export async function writeSettings(dataDir: string, settings: DeviceSettings): Promise<void> {
  await fs.mkdir(dataDir, { recursive: true });
  const target = settingsPath(dataDir);
  const temp = `${target}.${process.pid}.tmp`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(JSON.stringify(settings, null, 2));
    await handle.sync();
  } finally {
    await handle.close();
  }
  await fs.rename(temp, target);
}
