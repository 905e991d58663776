/**
 * The device host as a real child process (`electron/host/cli/serve.ts`, the way the e2e set-up runs
 * it), on a data directory the caller owns, so a fault test can SIGKILL it and start it again on the
 * same data — and a bridge client over its HTTP transport (`POST /api/bridge/<method>`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface DeviceHostProcess {
  child: ChildProcess;
  /** `http://127.0.0.1:<port>` */
  origin: string;
  port: number;
  /** The session token the host printed (`#token=…`): bearer for the bridge. */
  token: string;
  /** `origin/#token=…`: what a browser opens. */
  appUrl: string;
  output(): string;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export interface DeviceHostOptions {
  dataDir: string;
  /** 0 = any free port. */
  port?: number;
  /** Built renderer folder (default: the host's own default, dist/renderer). */
  staticDir?: string;
  /** More serve.ts flags (`--samples <dir>`, `--trust <root.pub>` …). */
  args?: string[];
  env?: NodeJS.ProcessEnv;
}

export function startDeviceHost(options: DeviceHostOptions): Promise<DeviceHostProcess> {
  const args = ['--import', 'tsx', 'electron/host/cli/serve.ts', '--data', options.dataDir, '--port', String(options.port ?? 0)];
  if (options.staticDir) args.push('--static', options.staticDir);
  args.push(...(options.args ?? []));
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TEACHPOINT_EXTRA_DRIVES: '', ...options.env } });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /^TEACHPOINT_URL=(http:\/\/[\d.]+:(\d+))\/#token=(\S+)$/m.exec(out);
      if (!m) return;
      resolve({
        child,
        origin: m[1]!,
        port: Number(m[2]),
        token: m[3]!,
        appUrl: `${m[1]}/#token=${m[3]}`,
        output: () => out,
        kill: async (signal) => {
          if (child.exitCode === null && child.signalCode === null) child.kill(signal);
          await exited;
        },
      });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code, signal) => reject(new Error(`device host exited (${code ?? signal}) before printing its URL:\n${out}`)));
  });
}

export type BridgeAnswer<T> = { ok: true; value: T } | { ok: false; error: { code: string; message?: unknown } };

/** One bridge call over the host's HTTP transport; a host that is gone answers `host.unreachable`. */
export async function bridgeCall<T = unknown>(host: Pick<DeviceHostProcess, 'origin' | 'token'>, method: string, args: unknown = {}): Promise<BridgeAnswer<T>> {
  try {
    const res = await fetch(`${host.origin}/api/bridge/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(args),
    });
    return (await res.json()) as BridgeAnswer<T>;
  } catch {
    return { ok: false, error: { code: 'host.unreachable' } };
  }
}
