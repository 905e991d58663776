// `npm run samples`: builds the demo packs into content-packs/samples/out/*.tpk.
//   1. first run: a dev root key + a county key and certificate in content-packs/samples/.keys/ (gitignored)
//   2. copies the committed sources (packs/<name>/: pack.yaml, exercise sheets, subtitles) to out/src/<name>/
//      and generates the media next to them (captioned videos with narration, pictures, audio, PDFs, courseware)
//   3. runs the same buildPack() as `tpk build` (transcode cache in out/.cache) and writes out/dev-root.pub
import { cpSync, existsSync, mkdirSync, rmSync, copyFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildPack, type BuildProgress } from '../build/build';
import { certifyKeyFile, generateKeyPairFiles, loadCertificate, loadPrivateKey } from '../build/keys';
import { formatBuildProblem, BuildFailedError } from '../build/problems';
import { htmlToPdf, handMadePdf, makeAudio, makeCoursewareZip, makeLessonVideo, makePicture, writeSubtitles } from './generate';

const here = dirname(fileURLToPath(import.meta.url));
const keysDir = join(here, '.keys');
const outDir = join(here, 'out');

const MATH_L1 = '小学/数学/人教版/一年级/上册/准备课/1 数一数';
const MATH_L2 = '小学/数学/人教版/一年级/上册/准备课/2 比多少';
const YUWEN_L1 = '小学/语文/统编版/三年级/上册/第一单元/1 大青树下的小学';
const YUWEN_L2 = '小学/语文/统编版/三年级/上册/第一单元/2 花的学校';

function worksheet(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
  body{font-family:"Noto Sans CJK SC","Noto Sans CJK",sans-serif;color:#222}
  h1{font-size:26pt;text-align:center;margin:0 0 6mm}
  .meta{display:flex;justify-content:space-between;font-size:12pt;border-bottom:1px solid #999;padding-bottom:3mm;margin-bottom:6mm}
  .q{font-size:15pt;margin:6mm 0}
  .box{display:inline-block;width:14mm;height:12mm;border:1px solid #333;vertical-align:middle;margin:0 2mm}
  .grid td{width:16mm;height:16mm;border:1px solid #8a8;text-align:center;font-size:22pt}
  .grid{border-collapse:collapse;margin:3mm 0}
  .dots span{display:inline-block;width:8mm;height:8mm;border-radius:50%;background:#e57373;margin:1mm}
  </style></head><body><h1>${title}</h1><div class="meta"><span>姓名：__________</span><span>班级：______</span><span>日期：______</span></div>${body}</body></html>`;
}

async function generateMath(src: string): Promise<void> {
  const l1 = join(src, MATH_L1);
  const l2 = join(src, MATH_L2);
  const shuyishu = makeLessonVideo({
    out: join(l1, '01 数一数.avi'),
    title: '数一数',
    captions: [
      { text: '同学们好！今天我们来数一数。', start: 0, end: 3 },
      { text: '一只小猫，两只小鸟，三朵花。', start: 3, end: 6 },
      { text: '数的时候，要一个一个地数，', start: 6, end: 8 },
      { text: '不漏数，不重复。', start: 8, end: 10 },
    ],
    narration: '同学们好！今天我们来数一数。一只小猫，两只小鸟，三朵花。数的时候，要一个一个地数，不漏数，不重复。',
    width: 640,
    height: 480,
    encoding: 'mpeg4-avi', // an old DivX-style AVI as county archives have: transcoded by tpk build
    minSeconds: 10,
  });
  writeSubtitles(join(l1, '01 数一数.vtt'), shuyishu);
  makePicture(join(l1, '02 数一数 挂图.png'), { text: '1  2  3  4  5', sub: '一只小猫 两只小鸟 三朵花 四棵树 五个苹果', width: 800, height: 600, background: '0x3b6ea5' });
  // The picture that 数一数 练习 s1 ("图上有几只小猫？") asks about (its 图片 column).
  makePicture(join(l1, '_练习素材', '三只小猫.png'), { text: '猫    猫    猫', sub: '小猫在草地上玩', width: 480, height: 320, background: '0x6a994e' });
  // 看图 questions: the picture shows the things to count, never the answer in words or numbers.
  makePicture(join(l2, '_练习素材', '苹果和梨.png'), { text: '苹果●●●●● 梨●●●', width: 640, height: 320, background: '0x6a994e' });
  makeLessonVideo({
    out: join(l2, '01 比多少.mp4'),
    title: '比多少',
    captions: [
      { text: '一个对一个，比一比。', start: 0, end: 3 },
      { text: '小猪多，木头少。', start: 3, end: 6 },
      { text: '同样多，就说“一样多”。', start: 6, end: 9 },
    ],
    width: 854,
    height: 480,
    background: '0x5d4037',
    encoding: 'h264-mp4', // already conforming: passes through byte for byte
    minSeconds: 9,
  });
  makeAudio(join(l2, '02 比多少 儿歌.mp3'), '小猪小猪运木头，一个一个排排走。小猪多，木头少，比一比，就知道。');
  makeAudio(join(l2, '_练习素材', '题目朗读.mp3'), '三只小兔和三根萝卜一样多。对不对？');
  const courseware = makeCoursewareZip(join(l2, '03 比一比 课件.zip'), {
    'index.html': `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>比一比</title><link rel="stylesheet" href="style.css"></head>
<body><h1>比一比：哪边多？</h1><div id="left"></div><div id="right"></div>
<p><button data-a="left">左边多</button><button data-a="right">右边多</button><button data-a="same">一样多</button></p>
<p id="msg"></p><script src="app.js"></script></body></html>`,
    'style.css': 'body{font-family:sans-serif;text-align:center;background:#fffbe6}#left,#right{font-size:48px;margin:12px}button{font-size:24px;margin:8px;padding:8px 20px}',
    'app.js': `var l=1+Math.floor(Math.random()*6),r=1+Math.floor(Math.random()*6);
document.getElementById('left').textContent='🍎'.repeat(l);document.getElementById('right').textContent='🍐'.repeat(r);
document.querySelectorAll('button').forEach(function(b){b.onclick=function(){var ok=(b.dataset.a==='left'&&l>r)||(b.dataset.a==='right'&&r>l)||(b.dataset.a==='same'&&l===r);
document.getElementById('msg').textContent=ok?'答对了！⭐':'再数一数。';};});`,
  });
  if (!courseware) console.error('  (zip 不可用，跳过 HTML5 课件 / zip not installed: courseware skipped)');
  const pdfOk = await htmlToPdf([
    {
      out: join(l1, '03 数一数 学习单.pdf'),
      html: worksheet(
        '数一数 · 学习单',
        `<div class="q">1. 数一数，在方框里写数。</div>
         <div class="q dots"><span></span><span></span><span></span> <span class="box"></span></div>
         <div class="q dots"><span></span><span></span><span></span><span></span><span></span> <span class="box"></span></div>
         <div class="q">2. 按顺序填数。</div><table class="grid"><tr><td>1</td><td></td><td>3</td><td></td><td>5</td></tr></table>
         <div class="q">3. 数一数你的文具盒里有几支铅笔：<span class="box"></span> 支。</div>`,
      ),
    },
  ]);
  if (!pdfOk) handMadePdf(join(l1, '03 数一数 学习单.pdf'), ['Shu yi shu - worksheet', '1. Count the dots and write the number.', '2. Fill in: 1 _ 3 _ 5']);
}

async function generateYuwen(src: string): Promise<void> {
  const l1 = join(src, YUWEN_L1);
  const l2 = join(src, YUWEN_L2);
  makeLessonVideo({
    out: join(l1, '01 课文朗读.mkv'),
    title: '大青树下的小学',
    captions: [
      { text: '早晨，从山坡上，从坪坝里，', start: 0, end: 3 },
      { text: '走来了许多小学生。', start: 3, end: 6 },
      { text: '大家在大青树下一起读书、唱歌。', start: 6, end: 10 },
    ],
    narration: '早晨，从山坡上，从坪坝里，走来了许多小学生。大家在大青树下一起读书、唱歌。',
    width: 1280,
    height: 720,
    background: '0x1b5e20',
    encoding: 'h264-mkv', // 720p in Matroska: transcoded to 480p MP4
    minSeconds: 10,
  });
  makeAudio(join(l1, '02 生字朗读.wav'), '坪，坪坝。坝，大坝。摔，摔跤。戴，戴帽子。');
  makePicture(join(l1, '03 课文插图.jpg'), { text: '大青树下的小学', sub: '傣族、景颇族、阿昌族和德昂族的小朋友', width: 1024, height: 640, background: '0x2e7d32' });
  const flowers = makeLessonVideo({
    out: join(l2, '01 花的学校.mp4'),
    title: '花的学校',
    captions: [
      { text: '当雷云在天上轰响，', start: 0, end: 2.5 },
      { text: '六月的阵雨落下的时候，', start: 2.5, end: 5 },
      { text: '润湿的东风走过荒野，', start: 5, end: 7.5 },
      { text: '在竹林中吹着口笛。', start: 7.5, end: 10 },
      { text: '于是一群一群的花', start: 10, end: 12 },
      { text: '从无人知道的地方突然跑出来。', start: 12, end: 15 },
    ],
    narration: '当雷云在天上轰响，六月的阵雨落下的时候，润湿的东风走过荒野，在竹林中吹着口笛。于是一群一群的花从无人知道的地方突然跑出来。',
    width: 854,
    height: 480,
    background: '0x4a148c',
    encoding: 'h264-mp4',
    minSeconds: 12,
  });
  writeSubtitles(join(l2, '01 花的学校.srt'), flowers); // SubRip: converted to WebVTT by tpk build
  const pdfOk = await htmlToPdf([
    {
      out: join(l1, '04 生字卡.pdf'),
      html: worksheet(
        '大青树下的小学 · 生字卡',
        `<table class="grid">${['坪', '坝', '摔', '跤', '戴', '鲜', '艳'].map((c) => `<tr><td>${c}</td><td></td><td></td><td></td><td></td><td></td></tr>`).join('')}</table>
         <div class="q">读一读，写一写：坪坝&emsp;摔跤&emsp;戴帽子&emsp;鲜艳</div>`,
      ),
    },
  ]);
  if (!pdfOk) handMadePdf(join(l1, '04 生字卡.pdf'), ['Sheng zi ka (character cards)', 'ping ba  shuai jiao  dai mao zi  xian yan']);
}

function renderProgress(label: string): (p: BuildProgress) => void {
  let lastPhase = '';
  let lastPct = -1;
  return (p) => {
    const pct = p.total > 0 ? Math.floor((p.done / p.total) * 10) * 10 : 100;
    if (p.phase !== lastPhase || pct !== lastPct) {
      if (p.phase !== 'scan' && p.phase !== 'done') console.error(`  ${label}: ${p.phase} ${pct}%`);
      lastPhase = p.phase;
      lastPct = pct;
    }
  };
}

async function main(): Promise<void> {
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  if (!existsSync(join(keysDir, 'dev-root.key')) || !existsSync(join(keysDir, 'dev-county.cert'))) {
    rmSync(keysDir, { recursive: true, force: true });
    await generateKeyPairFiles({ dir: keysDir, name: 'dev-root' });
    await generateKeyPairFiles({ dir: keysDir, name: 'dev-county' });
    await certifyKeyFile({ rootKeyPath: join(keysDir, 'dev-root.key'), pubPath: join(keysDir, 'dev-county.pub'), outPath: join(keysDir, 'dev-county.cert') });
    console.error(`开发用密钥已生成 / dev keys generated in ${keysDir} (never commit them)`);
  }
  copyFileSync(join(keysDir, 'dev-root.pub'), join(outDir, 'dev-root.pub'));
  const key = await loadPrivateKey(join(keysDir, 'dev-county.key'));
  const cert = await loadCertificate(join(keysDir, 'dev-county.cert'));

  const packs: Array<{ name: string; generate: (src: string) => Promise<void> }> = [
    { name: 'math-g1-up', generate: generateMath },
    { name: 'chinese-g3-up', generate: generateYuwen },
  ];
  let failed = false;
  for (const pack of packs) {
    const src = join(outDir, 'src', pack.name);
    rmSync(src, { recursive: true, force: true });
    cpSync(join(here, 'packs', pack.name), src, { recursive: true });
    console.error(`生成素材 / generating media: ${pack.name}`);
    await pack.generate(src);
    const out = join(outDir, `${pack.name}.tpk`);
    try {
      const r = await buildPack({ srcDir: src, out, key, cert, cacheDir: join(outDir, '.cache'), onProgress: renderProgress(pack.name) });
      const items = r.manifest.exercises.reduce((n, s) => n + s.items.length, 0);
      console.log(
        `${out}: ${(r.size / 1024 / 1024).toFixed(2)} MB, ${r.manifest.resources.length} resources, ${items} exercises, ${r.blobCount} blobs ` +
          `(copied ${r.stats.copied}, remuxed ${r.stats.remuxed}, transcoded ${r.stats.transcoded}, from cache ${r.stats.fromCache})`,
      );
    } catch (err) {
      failed = true;
      if (err instanceof BuildFailedError) for (const p of err.problems) console.error(`  ${formatBuildProblem(p)}`);
      else console.error(err);
    }
  }
  console.log(`trust root: ${join(outDir, 'dev-root.pub')}  (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (failed) process.exitCode = 1;
}

await main();
