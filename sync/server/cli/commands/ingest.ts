import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatBilingual } from '../../../../common/errors/errors';
import type { BundleIngestSummary } from '../../../protocol/bundle';
import { ingestProgressBundle } from '../../services/bundles';
import { defineCloudCommand, print, withContext } from '../_shared';

const USAGE = 'teachpoint-cloud ingest <bundle.tpbundle> [more bundles…]';

export default defineCloudCommand({
  summary: { zh: '导入学校用U盘带来的进度包（.tpbundle）', en: 'Ingest progress bundles (.tpbundle) brought from schools on a USB stick' },
  usage: USAGE,
  options: {},
  async run({ values, positionals, io, config }) {
    if (positionals.length === 0) {
      io.stderr.write(`${formatBilingual({ zh: '请给出至少一个进度包文件。', en: 'Name at least one bundle file.' })}\n${USAGE}\n`);
      return 2;
    }
    // Each file is verified whole before any of it is stored; a bad file stops the run (earlier files stay ingested: re-running is harmless).
    const summaries: BundleIngestSummary[] = await withContext(config, async (ctx) => {
      const out: BundleIngestSummary[] = [];
      for (const file of positionals) out.push(await ingestProgressBundle(ctx, null, await readFile(resolve(io.cwd, file))));
      return out;
    });
    if (values.json) {
      io.stdout.write(JSON.stringify(summaries, null, 2) + '\n');
      return 0;
    }
    for (const [i, s] of summaries.entries()) {
      print(io, values, null, {
        zh: `${positionals[i]}：新增 ${s.stored} 条，已有 ${s.duplicates} 条，拒收 ${s.rejected} 条${s.seenBefore ? '（此包以前导入过）' : ''}`,
        en: `${positionals[i]}: stored ${s.stored}, duplicates ${s.duplicates}, rejected ${s.rejected}${s.seenBefore ? ' (ingested before)' : ''}`,
      });
    }
    return 0;
  },
});
