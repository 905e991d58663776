/** tpk build <srcDir> --key <county.key> --cert <county.cert> --out <pack.tpk> [--profile 480p|720p] [--cache <dir>] */
import { resolve } from 'node:path';
import { buildPack } from '../../build/build';
import { loadCertificate, loadPrivateKey } from '../../build/keys';
import { BuildFailedError, formatBuildProblem } from '../../build/problems';
import { defaultCacheDir } from '../../media/cache';
import { UsageError, defineCommand, formatBytes } from '../_shared';
import { progressReporter } from '../_progress';

export default defineCommand({
  meta: {
    name: 'build',
    usage: 'build <srcDir> --key <county.key> --cert <county.cert> --out <pack.tpk> [--profile 480p|720p] [--cache <dir>]',
    description: {
      zh: '把按“学段/学科/版本/年级/册/单元/课”整理的素材文件夹转码、打包并签名为 .tpk。发现的所有问题会一次列出，且不会留下半成品文件。',
      en: 'Transcode, pack and sign a source folder (stage/subject/edition/grade/volume/unit/lesson) into a .tpk. Every problem is listed at once, and no partial file is left behind.',
    },
  },
  positionals: { min: 1, max: 1, names: ['srcDir'] },
  args: {
    key: { type: 'string', valueName: 'county.key', required: true, description: { zh: '县级发布者私钥', en: 'County publisher private key' } },
    cert: { type: 'string', valueName: 'county.cert', required: true, description: { zh: '省级根密钥签发的证书', en: 'Certificate issued by the province root' } },
    out: { type: 'string', valueName: 'pack.tpk', required: true, description: { zh: '输出的资源包', en: 'Output pack' } },
    profile: { type: 'string', valueName: '480p|720p', description: { zh: '视频规格（默认 480p，或 pack.yaml 中的 profile）', en: 'Video profile (default 480p, or pack.yaml profile)' } },
    cache: { type: 'string', valueName: 'dir', description: { zh: `转码缓存目录（默认 ${defaultCacheDir()}）`, en: `Transcode cache folder (default ${defaultCacheDir()})` } },
    'no-cache': { type: 'boolean', description: { zh: '不使用转码缓存', en: 'Do not use the transcode cache' } },
    jobs: { type: 'string', valueName: 'n', description: { zh: '并行任务数（默认 CPU 核数）', en: 'Parallel jobs (default: CPU cores)' } },
  },
  async run({ values, positionals, io }) {
    const profile = values.profile;
    if (profile !== undefined && profile !== '480p' && profile !== '720p') {
      throw new UsageError({ zh: `--profile 只能是 480p 或 720p，而不是“${profile}”`, en: `--profile must be 480p or 720p, not "${profile}"` });
    }
    const jobs = values.jobs !== undefined ? Number(values.jobs) : undefined;
    if (jobs !== undefined && (!Number.isInteger(jobs) || jobs < 1)) throw new UsageError({ zh: '--jobs 必须是正整数', en: '--jobs must be a positive integer' });
    const key = await loadPrivateKey(resolve(io.cwd, values.key!));
    const cert = await loadCertificate(resolve(io.cwd, values.cert!));
    const reporter = progressReporter(io);
    const started = Date.now();
    try {
      const r = await buildPack({
        srcDir: resolve(io.cwd, positionals[0]!),
        out: resolve(io.cwd, values.out!),
        key,
        cert,
        ...(profile ? { profile } : {}),
        cacheDir: values['no-cache'] ? null : values.cache ? resolve(io.cwd, values.cache) : defaultCacheDir(),
        ...(jobs ? { concurrency: jobs } : {}),
        onProgress: reporter.update,
      });
      reporter.finish();
      const m = r.manifest;
      const items = m.exercises.reduce((n, s) => n + s.items.length, 0);
      io.stdout.write(
        `已生成资源包 / Pack built: ${values.out}\n` +
          `  ${m.title['zh-CN']}  (${m.id} v${m.version})\n` +
          `  ${m.resources.length} 个资源 / resources, ${items} 道题 / exercises, ${r.blobCount} 个文件 / blobs, ${formatBytes(r.size)}\n` +
          `  媒体 / media: 直接使用 / copied ${r.stats.copied}, 重新封装 / remuxed ${r.stats.remuxed}, 转码 / transcoded ${r.stats.transcoded}, 缓存命中 / cache hits ${r.stats.fromCache}\n` +
          `  用时 / took ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
      );
      return 0;
    } catch (err) {
      reporter.finish();
      if (err instanceof BuildFailedError) {
        io.stderr.write(`打包失败，共 ${err.problems.length} 个问题（未生成 ${values.out}）/ Build failed with ${err.problems.length} problem(s) (${values.out} was not written):\n`);
        for (const p of err.problems) io.stderr.write(`  ${formatBuildProblem(p)}\n`);
        return 1;
      }
      throw err;
    }
  },
});
