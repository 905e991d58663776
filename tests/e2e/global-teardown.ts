import { existsSync, readFileSync, rmSync } from 'node:fs';
import { STATE_FILE, e2eState } from './app';
import { pidAlive } from '../../content-packs/store/lock';

/** Stops the host started by global-setup.ts (SIGTERM → graceful close; SIGKILL after 10 s) and removes its temp dir. */
export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) return;
  const state = e2eState();
  if (pidAlive(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (pidAlive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (pidAlive(state.pid)) {
      console.warn(`[e2e] host ${state.pid} ignored SIGTERM; killing. Log:\n${readFileSync(state.logFile, 'utf8')}`);
      process.kill(state.pid, 'SIGKILL');
    }
  }
  if (!process.env.TEACHPOINT_E2E_KEEP) rmSync(state.workDir, { recursive: true, force: true });
  rmSync(STATE_FILE, { force: true });
}

