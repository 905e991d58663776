import { renderProgressLine } from '../../progress-line';
import { flag, flags, has, openLibrary, UsageError, type Command } from '../_shared';

const command: Command = {
  usage: 'teachpoint packs import <file.tpk|dir>… [--data <dir>] [--trust <root.pub>]… [--force] [--reserve-mb <n>] [--json]',
  summary: '校验并导入资源包（文件夹：导入其中及 TeachPoint/ 下所有 .tpk） / verify and import packs',
  flags: { values: ['trust', 'reserve-mb'], booleans: ['force'] },
  async run(args, io) {
    if (args.positionals.length === 0) throw new UsageError(`用法 / usage: ${this.usage}`);
    const library = openLibrary(args, flags(args, 'trust'));
    const reserve = flag(args, 'reserve-mb');
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    (process as NodeJS.EventEmitter).once('SIGINT', onSigint);
    let lastLogged = -1;
    try {
      for (const path of args.positionals) {
        const results = await library.import(path, {
          force: has(args, 'force'),
          signal: ac.signal,
          ...(reserve !== undefined ? { reserveBytes: Number(reserve) * 1024 * 1024 } : {}),
          onProgress: (p) => {
            io.status(renderProgressLine(p));
            // Without a terminal, one line per 10 %.
            if (!io.isTTY && p.phase === 'copying' && p.bytesTotal > 0) {
              const tenth = Math.floor((p.bytesDone / p.bytesTotal) * 10);
              if (tenth !== lastLogged) {
                lastLogged = tenth;
                io.err(renderProgressLine(p));
              }
            }
          },
        });
        for (const r of results) {
          if (has(args, 'json')) io.out(JSON.stringify(r));
          else if (r.alreadyInstalled) io.out(`已安装，无需导入 / already installed: ${r.id} v${r.version}`);
          else
            io.out(
              `已导入 / imported: ${r.id} v${r.version}${r.previousVersion !== null ? ` (原版本 / was v${r.previousVersion})` : ''} — ` +
                `复制 / copied ${r.blobsCopied} (${r.bytesCopied} B), 跳过 / skipped ${r.blobsSkipped}, 释放 / freed ${r.bytesFreed} B, ${r.seconds.toFixed(1)} s`,
            );
        }
      }
    } finally {
      (process as NodeJS.EventEmitter).removeListener('SIGINT', onSigint);
    }
    return 0;
  },
};
export default command;
