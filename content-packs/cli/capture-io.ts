/** A CliIO that keeps what a command writes, for tests that run a command line in-process. */
import { Writable } from 'node:stream';
import type { CliIO } from './_shared';

export function captureIo(cwd: string, env: NodeJS.ProcessEnv = {}): { io: CliIO; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  return { io: { stdout: sink((s) => (out += s)), stderr: sink((s) => (err += s)), env, cwd }, out: () => out, err: () => err };
}
