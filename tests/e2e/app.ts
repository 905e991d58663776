import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Written by global-setup.ts, read by tests and the teardown. */
export interface E2eState {
  /** `http://127.0.0.1:<port>/#token=<token>` */
  appUrl: string;
  origin: string;
  token: string;
  pid: number;
  workDir: string;
  dataDir: string;
  logFile: string;
  /** Folder shown to the host as a USB stick (sample packs when available). */
  stickDir: string;
  /** Sample packs copied onto the stick (file names), empty when none could be built. */
  samplePacks: string[];
}

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const STATE_FILE = join(REPO_ROOT, 'tests', '.tmp', 'e2e-state.json');

export function e2eState(): E2eState {
  return JSON.parse(readFileSync(STATE_FILE, 'utf8')) as E2eState;
}

/**
 * Where e2e screenshots go: `test-results/screenshots/` normally, `docs/screenshots/` when
 * TEACHPOINT_DOCS_SCREENSHOTS=1 (to refresh the pictures the docs show — they contain temp paths
 * and free-space figures, so every run would otherwise rewrite tracked files).
 */
export function screenshotPath(name: string): string {
  const dir = process.env.TEACHPOINT_DOCS_SCREENSHOTS === '1' ? join(REPO_ROOT, 'docs', 'screenshots') : join(REPO_ROOT, 'test-results', 'screenshots');
  mkdirSync(dir, { recursive: true });
  return join(dir, name);
}
