/**
 * Which port the browser-mode host listens on. The page origin (`http://127.0.0.1:<port>`) is the
 * identity of everything the browser keeps for the app — the IndexedDB with classes, learners and
 * answers, and the language choice — so it must be the same at every launch: a fixed default,
 * overridable by `--port`, `$TEACHPOINT_PORT` or `"port"` in `<data>/settings.json` (in that order).
 * Port 0 (any free port) is for tests only: its origin is new every time.
 */
export const DEFAULT_PORT = 47813;
export const PORT_ENV = 'TEACHPOINT_PORT';

export type PortSource = 'flag' | 'env' | 'settings' | 'default';

export interface PortChoice {
  port: number;
  source: PortSource;
}

export function parsePort(value: string, what: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${what} must be 0..65535, got ${value}`);
  return n;
}

/** Flag, then environment, then the device setting, then {@link DEFAULT_PORT}. */
export function choosePort(flag: number | undefined, env: NodeJS.ProcessEnv, settingsPort: number | undefined): PortChoice {
  if (flag !== undefined) return { port: flag, source: 'flag' };
  const fromEnv = env[PORT_ENV];
  if (fromEnv !== undefined && fromEnv !== '') return { port: parsePort(fromEnv, `$${PORT_ENV}`), source: 'env' };
  if (settingsPort !== undefined) return { port: settingsPort, source: 'settings' };
  return { port: DEFAULT_PORT, source: 'default' };
}

function isAddressInUse(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === 'EADDRINUSE';
}

export interface ListenOutcome<T> {
  server: T;
  /** Set when the chosen port was taken and another one is used this time: say so to the person. */
  warning: string | null;
}

/**
 * Listen on the chosen port. When it is taken, a port given with `--port` is an error (the caller
 * asked for exactly that one); otherwise we start on a free port and return a bilingual warning
 * that this session's records live under another origin and how to fix it.
 */
export async function listenOnChosenPort<T>(choice: PortChoice, listen: (port: number) => Promise<T>, actualPort: (server: T) => number): Promise<ListenOutcome<T>> {
  try {
    return { server: await listen(choice.port), warning: null };
  } catch (err) {
    if (!isAddressInUse(err) || choice.port === 0) throw err;
    if (choice.source === 'flag') {
      throw new Error(
        `端口 ${choice.port} 已被占用。请关闭占用它的程序（可能是另一个已打开的教学点课堂），或换一个端口。 / ` +
          `Port ${choice.port} is already in use. Close the program using it (perhaps TeachPoint is already running) or choose another port.`,
      );
    }
    const server = await listen(0);
    const fallback = actualPort(server);
    return {
      server,
      warning:
        `警告：固定端口 ${choice.port} 已被占用，本次临时改用端口 ${fallback}。本次在浏览器中保存的记录（班级、学生、答题、语言）` +
        `只在这个临时地址下可见，下次启动会看不到。请关闭占用端口 ${choice.port} 的程序（可能是另一个已打开的教学点课堂）后重新启动，` +
        `或用 --port、环境变量 ${PORT_ENV} 或数据目录 settings.json 中的 "port" 指定另一个固定端口。 / ` +
        `Warning: the fixed port ${choice.port} is in use, so port ${fallback} is used this time. Records saved in the browser this ` +
        `session (classes, learners, answers, language) belong to this temporary address and will not be there at the next start. ` +
        `Close the program using port ${choice.port} (perhaps TeachPoint is already running) and start again, or set another fixed ` +
        `port with --port, $${PORT_ENV} or "port" in settings.json in the data folder.`,
    };
  }
}
