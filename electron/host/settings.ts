import { promises as fs, readFileSync } from 'fs';
import * as path from 'path';

/** Device settings that must be known before the UI exists (read by electron/main at startup). */
export interface DeviceSettings {
  /** GPU acceleration off — for old PCs with broken graphics drivers. */
  safeMode: boolean;
  /**
   * Fixed port for the browser-mode host (`serve`): the page origin is the IndexedDB's identity, so
   * it must not change between launches. Absent = the built-in default (electron/host/cli/port.ts).
   */
  port?: number;
}

const DEFAULTS: DeviceSettings = { safeMode: false };

export function settingsPath(dataDir: string): string {
  return path.join(dataDir, 'settings.json');
}

/**
 * Missing or unreadable settings fall back to defaults: a corrupt file must never stop the app
 * starting. Only a literal `true` turns safe mode on.
 */
export function parseSettings(text: string | null): DeviceSettings {
  if (text === null) return { ...DEFAULTS };
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object') {
      const { safeMode, port } = parsed as { safeMode?: unknown; port?: unknown };
      const settings: DeviceSettings = { ...DEFAULTS, safeMode: safeMode === true };
      if (typeof port === 'number' && Number.isInteger(port) && port > 0 && port <= 65535) settings.port = port;
      return settings;
    }
  } catch {
    // fall through to defaults
  }
  return { ...DEFAULTS };
}

export async function readSettings(dataDir: string): Promise<DeviceSettings> {
  return parseSettings(await fs.readFile(settingsPath(dataDir), 'utf8').catch(() => null));
}

/** For electron/main before `app` is ready (GPU switch): same rules, synchronous. */
export function readSettingsSync(dataDir: string): DeviceSettings {
  let text: string | null = null;
  try {
    text = readFileSync(settingsPath(dataDir), 'utf8');
  } catch {
    text = null;
  }
  return parseSettings(text);
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
