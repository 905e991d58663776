import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { createEnrollmentFile } from '../../services/enrollment';
import { defineCloudCommand, print, withContext } from '../_shared';

export default defineCloudCommand({
  summary: { zh: '生成离线登记文件（用U盘带到学校）', en: 'Write an offline enrollment file (carried to the school by USB)' },
  usage: 'teachpoint-cloud enrollment-file --school <schoolId> [--device-name 教师机] --out <file>',
  options: { school: { type: 'string' }, 'device-name': { type: 'string' }, out: { type: 'string' } },
  async run({ values, io, config }) {
    const file = await withContext(config, (ctx) => createEnrollmentFile(ctx, null, String(values.school ?? ''), String(values['device-name'] ?? '')));
    const out = resolve(io.cwd, String(values.out ?? `teachpoint-enrollment-${file.deviceId}.tpenroll.json`));
    await writeFile(out, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 });
    print(io, values, { out, deviceId: file.deviceId }, { zh: `已写入 ${out}（内含设备密钥，请妥善保管）`, en: `Wrote ${out} (it holds the device's secret: keep it safe)` });
    return 0;
  },
});
