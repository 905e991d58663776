import * as os from 'os';
import type { HostContext, HostFeature } from '../context';
import { readSettings, writeSettings } from '../settings';

export type AppMethod = 'app.info' | 'app.setSafeMode' | 'app.flushed';

export interface AppFeature extends HostFeature<AppMethod> {
  /**
   * Quit handshake: emit `app.willQuit` and resolve when the renderer answers `app.flushed`
   * or when the deadline passes, whichever comes first.
   */
  requestQuit(deadlineMs: number): Promise<'flushed' | 'timeout'>;
}

/** app.* methods: identity of the host, the persisted safe-mode switch, the quit handshake. */
export function createAppFeature(ctx: HostContext): AppFeature {
  const waiters = new Set<() => void>();
  return {
    handlers: {
      'app.info': async () => {
        const settings = await readSettings(ctx.dataDir);
        return {
          name: 'TeachPoint',
          version: ctx.appVersion,
          shell: ctx.shell,
          platform: os.platform(),
          arch: os.arch(),
          nodeVersion: process.versions.node,
          electronVersion: ctx.electronVersion,
          dataDir: ctx.dataDir,
          safeMode: settings.safeMode,
        };
      },
      'app.setSafeMode': async ({ enabled }) => {
        const settings = await readSettings(ctx.dataDir);
        await writeSettings(ctx.dataDir, { ...settings, safeMode: enabled });
        // ctx.safeMode is what this process started with; a change applies at the next start.
        return { safeMode: enabled, restartRequired: enabled !== ctx.safeMode };
      },
      'app.flushed': async () => {
        for (const resolve of [...waiters]) resolve();
        waiters.clear();
        return {};
      },
    },
    requestQuit(deadlineMs: number): Promise<'flushed' | 'timeout'> {
      return new Promise((resolve) => {
        let done = false;
        const finish = (how: 'flushed' | 'timeout') => {
          if (done) return;
          done = true;
          clearTimeout(timer);
          waiters.delete(onFlushed);
          resolve(how);
        };
        const onFlushed = () => finish('flushed');
        const timer = setTimeout(() => finish('timeout'), deadlineMs);
        waiters.add(onFlushed);
        ctx.events.emit('app.willQuit', { deadlineMs: Math.round(deadlineMs) });
      });
    },
    async dispose() {
      for (const resolve of [...waiters]) resolve();
      waiters.clear();
    },
  };
}
