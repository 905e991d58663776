import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { setUpFirstRun } from '../../first-run/first-run';
import { packEnvironmentFromEnv } from '../../packs/environment';
import { defineCloudCommand, print, withContext } from '../_shared';

export default defineCloudCommand({
  summary: {
    zh: '首次运行：示例县、示例教学点、县级账号，发布并下发示例资源包（可为本机生成登记文件）',
    en: 'First run: a demo county, teaching point and county account, the sample packs published and released (optionally an enrollment file for this PC)',
  },
  usage: 'teachpoint-cloud first-run [--samples <dir of .tpk>] [--enrollment-out <file> [--device-name 本机]] [--data <dir>] [--public-url <url>]',
  options: { samples: { type: 'string' }, 'enrollment-out': { type: 'string' }, 'device-name': { type: 'string' } },
  async run({ values, io, config }) {
    const samplesDir = typeof values.samples === 'string' ? resolve(io.cwd, values.samples) : null;
    const enrollmentOut = typeof values['enrollment-out'] === 'string' ? resolve(io.cwd, values['enrollment-out']) : null;
    const result = await withContext(config, (ctx) =>
      setUpFirstRun(ctx, packEnvironmentFromEnv(io.env, config.dataDir), {
        dataDir: config.dataDir,
        samplesDir,
        enrollDeviceName: enrollmentOut ? String(values['device-name'] ?? '本机 / this PC') : null,
      }),
    );
    if (enrollmentOut && result.enrollment) await writeFile(enrollmentOut, JSON.stringify(result.enrollment, null, 2) + '\n', { mode: 0o600 });
    const published = result.packs.filter((p) => !p.alreadyPublished).length;
    print(
      io,
      values,
      { ...result, enrollment: enrollmentOut && result.enrollment ? { out: enrollmentOut, deviceId: result.enrollment.deviceId } : null },
      {
        zh: `示例教学点“${result.schoolName}”已就绪：新发布 ${published} 个资源包，新下发 ${result.released} 个。县级账号 ${result.username} / ${result.password}`,
        en: `Demo teaching point ready: ${published} packs published, ${result.released} releases made. County account ${result.username} / ${result.password}`,
      },
    );
    return 0;
  },
});
