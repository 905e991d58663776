/**
 * The cloud as a real child process (`bin/teachpoint-cloud.mjs serve`), so a fault test can kill it
 * with SIGKILL and start it again on the same database and port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const bin = join(root, 'bin', 'teachpoint-cloud.mjs');

export interface CloudProcess {
  child: ChildProcess;
  url: string;
  port: number;
  /** Sends `signal` and waits until the process is gone. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

/** Starts `teachpoint-cloud serve` (port 0 = any free port) and resolves once it listens. */
export function startCloudProcess(env: NodeJS.ProcessEnv, port = 0): Promise<CloudProcess> {
  const child = spawn(process.execPath, [bin, 'serve', '--quiet', '--host', '127.0.0.1', '--port', String(port)], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/[\d.]+:(\d+))/.exec(out);
      if (m) {
        child.stdout!.off('data', onData);
        resolve({
          child,
          url: m[1]!,
          port: Number(m[2]),
          kill: async (signal) => {
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            await exited;
          },
        });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code, signal) => reject(new Error(`cloud exited (${code ?? signal}) before listening: ${out}`)));
  });
}
