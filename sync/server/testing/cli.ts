/** Captured stdio for running `teachpoint-cloud` commands in-process (runCloudCli) in tests. */
import { PassThrough } from 'node:stream';
import type { CloudCliIO } from '../cli/_shared';

export function cliIO(cwd: string, env: NodeJS.ProcessEnv = {}): { io: CloudCliIO; text(): { stdout: string; stderr: string } } {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (c: Buffer) => (stdout += c.toString()));
  err.on('data', (c: Buffer) => (stderr += c.toString()));
  return { io: { stdout: out, stderr: err, env, cwd }, text: () => ({ stdout, stderr }) };
}
