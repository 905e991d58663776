import { resolve } from 'node:path';
import { defineCommand, jsonArg } from '../../../cli/_shared';
import { renderProgressLine } from '../../progress-line';
import { dataArg, openLibrary, trustArg } from '../_shared';

export default defineCommand({
  meta: {
    name: 'packs import',
    usage: 'packs import <file.tpk|dir>… [--data <dir>] [--trust <root.pub>]… [--force] [--reserve-mb <n>] [--json]',
    description: { zh: '校验并导入资源包（文件夹：导入其中及 TeachPoint/ 下所有 .tpk）', en: 'Verify and import packs (a folder: every .tpk in it and in TeachPoint/)' },
  },
  positionals: { min: 1, max: Infinity, names: ['file.tpk|dir'] },
  args: {
    ...dataArg,
    ...trustArg,
    force: { type: 'boolean', description: { zh: '即使已安装同一版本也重新导入', en: 'Import even when this version is installed' } },
    'reserve-mb': { type: 'string', valueName: 'n', description: { zh: '导入后至少保留的空闲空间（MB）', en: 'Free space to keep after the import (MB)' } },
    ...jsonArg,
  },
  async run({ values, positionals, io }) {
    const library = openLibrary(values, io);
    const reserve = values['reserve-mb'];
    // On a terminal one redrawn status line; elsewhere (logs, CI) one line per 10 %.
    const tty = io.stderr.isTTY === true && io.env.TERM !== 'dumb';
    let drawn = false;
    const clearStatus = () => {
      if (drawn) io.stderr.write('\r\x1b[K');
      drawn = false;
    };
    const out = (line: string) => {
      clearStatus();
      io.stdout.write(line + '\n');
    };
    const ac = new AbortController();
    const onSigint = () => ac.abort();
    (process as NodeJS.EventEmitter).once('SIGINT', onSigint);
    let lastLogged = -1;
    try {
      for (const path of positionals) {
        const results = await library.import(resolve(io.cwd, path), {
          force: values.force === true,
          signal: ac.signal,
          ...(reserve !== undefined ? { reserveBytes: Number(reserve) * 1024 * 1024 } : {}),
          onProgress: (p) => {
            if (tty) {
              io.stderr.write('\r\x1b[K' + renderProgressLine(p));
              drawn = true;
            } else if (p.phase === 'copying' && p.bytesTotal > 0) {
              const tenth = Math.floor((p.bytesDone / p.bytesTotal) * 10);
              if (tenth !== lastLogged) {
                lastLogged = tenth;
                io.stderr.write(renderProgressLine(p) + '\n');
              }
            }
          },
        });
        for (const r of results) {
          if (values.json) out(JSON.stringify(r));
          else if (r.alreadyInstalled) out(`已安装，无需导入 / already installed: ${r.id} v${r.version}`);
          else
            out(
              `已导入 / imported: ${r.id} v${r.version}${r.previousVersion !== null ? ` (原版本 / was v${r.previousVersion})` : ''} — ` +
                `复制 / copied ${r.blobsCopied} (${r.bytesCopied} B), 跳过 / skipped ${r.blobsSkipped}, 释放 / freed ${r.bytesFreed} B, ${r.seconds.toFixed(1)} s`,
            );
        }
      }
    } finally {
      clearStatus();
      (process as NodeJS.EventEmitter).removeListener('SIGINT', onSigint);
    }
    return 0;
  },
});
