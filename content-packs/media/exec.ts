/** Running ffmpeg/ffprobe as child processes (no shell, arguments as an array). Node 16 APIs only. */
import { spawn } from 'node:child_process';

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  /** Called with each complete stdout line (for `-progress pipe:1`). stdout is then not buffered. */
  onStdoutLine?: (line: string) => void;
  signal?: AbortSignal;
  /** Keep at most this many characters of stderr (the tail). Default 64 KiB. */
  maxStderr?: number;
  /** Environment of the child (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

export function run(bin: string, args: string[], options: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(abortError());
      return;
    }
    const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, ...(options.env ? { env: options.env } : {}) });
    let stdout = '';
    let pending = '';
    let stderr = '';
    const maxStderr = options.maxStderr ?? 65536;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      if (!options.onStdoutLine) {
        stdout += chunk;
        return;
      }
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl).replace(/\r$/, '');
        pending = pending.slice(nl + 1);
        options.onStdoutLine(line);
      }
    });
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      if (stderr.length > maxStderr * 2) stderr = stderr.slice(-maxStderr);
    });
    const onAbort = (): void => {
      child.kill('SIGKILL');
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.on('error', (err) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(err);
    });
    child.on('close', (code, signal) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (pending && options.onStdoutLine) options.onStdoutLine(pending);
      if (options.signal?.aborted) {
        reject(abortError());
        return;
      }
      resolve({ code, signal, stdout, stderr: stderr.length > maxStderr ? stderr.slice(-maxStderr) : stderr });
    });
  });
}

function abortError(): Error {
  const err = new Error('Aborted');
  err.name = 'AbortError';
  return err;
}

/** Last few meaningful lines of ffmpeg's stderr, for error details. */
export function stderrTail(stderr: string, lines = 6): string {
  return stderr
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .slice(-lines)
    .join('\n');
}
