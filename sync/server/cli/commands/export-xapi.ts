import { createWriteStream } from 'node:fs';
import { resolve } from 'node:path';
import { once } from 'node:events';
import { exportStatements } from '../../services/xapi';
import { defineCloudCommand, print, withContext } from '../_shared';

export default defineCloudCommand({
  summary: { zh: '导出学习记录为 xAPI 语句', en: 'Export progress events as xAPI statements' },
  usage: 'teachpoint-cloud export-xapi [--school <schoolId>] [--since <iso>] [--until <iso>] --out <file.json>',
  options: { school: { type: 'string' }, since: { type: 'string' }, until: { type: 'string' }, out: { type: 'string' } },
  async run({ values, io, config }) {
    const out = resolve(io.cwd, String(values.out ?? 'teachpoint-xapi.json'));
    const count = await withContext(config, async (ctx) => {
      const stream = createWriteStream(out);
      let n = 0;
      stream.write('[');
      for await (const s of exportStatements(ctx, null, { schoolId: values.school as string | undefined, since: values.since as string | undefined, until: values.until as string | undefined })) {
        if (!stream.write((n++ ? ',\n' : '') + JSON.stringify(s))) await once(stream, 'drain');
      }
      stream.end(']\n');
      await once(stream, 'finish');
      return n;
    });
    print(io, values, { out, statements: count }, { zh: `已导出 ${count} 条语句到 ${out}`, en: `Exported ${count} statements to ${out}` });
    return 0;
  },
});
