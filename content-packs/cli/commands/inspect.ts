/** tpk inspect <pack.tpk> [--json] → signer, version, lesson tree, resource counts and sizes */
import { resolve } from 'node:path';
import { LESSON_LEVEL_ZH } from '../../format/manifest';
import { summarizeManifest } from '../../build/summary';
import { defineCommand, formatBytes, jsonArg } from '../_shared';
import { readPackManifest } from '../_pack';

const KIND_ZH: Record<string, string> = { video: '视频', audio: '音频', pdf: 'PDF', image: '图片', html5: 'HTML5 课件', 'exercise-set': '练习' };

export default defineCommand({
  meta: {
    name: 'inspect',
    usage: 'inspect <pack.tpk> [--json]',
    description: { zh: '查看资源包：发布者、版本、课程目录、各类资源的数量和大小（不校验签名，请用 tpk verify）。', en: 'Show a pack: signer, version, lesson tree, resource counts and sizes (does not verify; use tpk verify).' },
  },
  positionals: { min: 1, max: 1, names: ['pack.tpk'] },
  args: { ...jsonArg },
  async run({ values, positionals, io }) {
    const { manifest, fileSize, entries } = await readPackManifest(resolve(io.cwd, positionals[0]!));
    const s = summarizeManifest(manifest);
    if (values.json) {
      io.stdout.write(JSON.stringify({ ...s, file: { size: fileSize, entries } }, null, 2) + '\n');
      return 0;
    }
    const out: string[] = [];
    out.push(`${s.title['zh-CN']}${s.title.en ? ` / ${s.title.en}` : ''}`);
    out.push(`  包 ID / id:        ${s.id}`);
    out.push(`  版本 / version:    ${s.version}    创建 / created: ${s.createdAt}`);
    out.push(`  发布者 / signer:   ${s.signer.name} (${s.signer.keyId}), 证书签发者 / issuer ${s.signer.issuerKeyId}, 有效期 / valid ${s.signer.notBefore.slice(0, 10)} → ${s.signer.notAfter.slice(0, 10)}`);
    out.push(`  文件 / file:       ${formatBytes(fileSize)}, ${entries} 个条目 / entries, ${s.blobs.count} 个数据块 / blobs (${formatBytes(s.blobs.bytes)})`);
    out.push('', '资源 / Resources:');
    for (const [kind, v] of Object.entries(s.resources)) {
      if (v.count === 0) continue;
      out.push(`  ${`${KIND_ZH[kind]} / ${kind}`.padEnd(24)} ${String(v.count).padStart(4)}${kind === 'exercise-set' ? '' : `   ${formatBytes(v.bytes)}`}`);
    }
    out.push(`  题目 / exercise items: ${s.exercises.items} (${Object.entries(s.exercises.byType).map(([t, n]) => `${t} ${n}`).join(', ')})`);
    out.push('', `目录 / Lesson tree (${s.lessons} 课 / lessons):`);
    for (const l of s.tree) out.push(`  ${'  '.repeat(l.depth)}${l.title}  [${LESSON_LEVEL_ZH[l.level]}]${l.resources !== undefined ? ` — ${l.resources} 个资源` : ''}`);
    io.stdout.write(out.join('\n') + '\n');
    return 0;
  },
});
