import { defineCommand, jsonArg } from '../../../cli/_shared';
import { dataArg, openLibrary } from '../_shared';

export default defineCommand({
  meta: {
    name: 'store scrub',
    usage: 'store scrub [--data <dir>] [--json]',
    description: {
      zh: '重新校验资源库中的每个文件，损坏的移入 quarantine/（发现损坏时退出码非 0），并清理未被引用的文件',
      en: 'Re-hash every blob, quarantine bad ones (exit ≠ 0 if any), remove unreferenced blobs',
    },
  },
  args: { ...dataArg, ...jsonArg },
  async run({ values, io }) {
    const report = await openLibrary(values, io).scrub();
    if (values.json) io.stdout.write(JSON.stringify(report) + '\n');
    else {
      io.stdout.write(`已校验 / checked ${report.checked} 个文件 / blobs (${report.bytes} B)\n`);
      if (report.orphansRemoved > 0) io.stdout.write(`已清理未被引用的文件 / removed unreferenced blobs: ${report.orphansRemoved} (${report.orphanBytesFreed} B)\n`);
      for (const b of report.bad) io.stderr.write(`损坏 / bad: ${b.sha256} (${b.reason}) → ${b.quarantinedTo}\n`);
      if (report.bad.length > 0) {
        io.stderr.write(`发现 ${report.bad.length} 个损坏文件，已隔离。请重新导入相关资源包。 / ${report.bad.length} bad blob(s) quarantined. Re-import the affected packs.\n`);
      }
    }
    return report.bad.length > 0 ? 1 : 0;
  },
});
