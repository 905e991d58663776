import { existsSync, readFileSync, rmSync } from 'node:fs';
import { STATE_FILE, e2eState } from './app';

/** Stops the host started by global-setup.ts (SIGTERM → graceful close; SIGKILL after 10 s) and removes its temp dir. */
export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) return;
  const state = e2eState();
  if (alive(state.pid)) {
    process.kill(state.pid, 'SIGTERM');
    const deadline = Date.now() + 10_000;
    while (alive(state.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    if (alive(state.pid)) {
      console.warn(`[e2e] host ${state.pid} ignored SIGTERM; killing. Log:\n${readFileSync(state.logFile, 'utf8')}`);
      process.kill(state.pid, 'SIGKILL');
    }
  }
  if (!process.env.TEACHPOINT_E2E_KEEP) rmSync(state.workDir, { recursive: true, force: true });
  rmSync(STATE_FILE, { force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
