import { z } from 'zod';
import { defineEvent, defineMethod } from '../define';

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  /** 'electron' when the Electron shell hosts the app, 'browser' for the HTTP transport. */
  shell: z.enum(['electron', 'browser']),
  platform: z.string(),
  arch: z.string(),
  /** Node version of the host process (16.x on the classic Electron 22 line). */
  nodeVersion: z.string(),
  electronVersion: z.string().nullable(),
  dataDir: z.string(),
  safeMode: z.boolean(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const appMethods = {
  'app.info': defineMethod('Version, platform and data directory of the host', z.object({}).strict(), AppInfo),
  /** Persisted "safe mode" (GPU off) switch; takes effect at the next start. */
  'app.setSafeMode': defineMethod(
    'Turn safe mode (no GPU acceleration) on or off; applies after restart',
    z.object({ enabled: z.boolean() }).strict(),
    z.object({ safeMode: z.boolean(), restartRequired: z.boolean() }),
  ),
  /** Renderer's answer to app.willQuit: pending writes are flushed, the shell may quit now. */
  'app.flushed': defineMethod('Renderer finished flushing after app.willQuit', z.object({}).strict(), z.object({})),
};

export const appEvents = {
  /** Sent every few seconds so the UI can show the host is alive; also the first event of every stream. */
  'app.heartbeat': defineEvent('Host liveness tick', z.object({ at: z.string() })),
  /** The shell asks the renderer to finish pending writes before it quits (see quit handshake). */
  'app.willQuit': defineEvent('The app is about to quit; flush pending writes', z.object({ deadlineMs: z.number().int() })),
};
