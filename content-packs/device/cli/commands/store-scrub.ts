import { has, openLibrary, type Command } from '../_shared';

const command: Command = {
  usage: 'teachpoint store scrub [--data <dir>] [--json]',
  summary: '重新校验资源库中的每个文件，损坏的移入 quarantine/（发现损坏时退出码非 0），并清理未被引用的文件 / re-hash every blob, quarantine bad ones (exit ≠ 0 if any), remove unreferenced blobs',
  flags: { values: [], booleans: [] },
  async run(args, io) {
    const report = await openLibrary(args).scrub();
    if (has(args, 'json')) io.out(JSON.stringify(report));
    else {
      io.out(`已校验 / checked ${report.checked} 个文件 / blobs (${report.bytes} B)`);
      if (report.orphansRemoved > 0) io.out(`已清理未被引用的文件 / removed unreferenced blobs: ${report.orphansRemoved} (${report.orphanBytesFreed} B)`);
      for (const b of report.bad) io.err(`损坏 / bad: ${b.sha256} (${b.reason}) → ${b.quarantinedTo}`);
      if (report.bad.length > 0) {
        io.err(`发现 ${report.bad.length} 个损坏文件，已隔离。请重新导入相关资源包。 / ${report.bad.length} bad blob(s) quarantined. Re-import the affected packs.`);
      }
    }
    return report.bad.length > 0 ? 1 : 0;
  },
};
export default command;
