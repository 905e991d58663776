// Startup at scale: time to an interactive library with 50 packs / 20,000 resources vs an empty library (real host, real Chromium), and search p95 over those resources.
//
// Usage: npm run bench -- startup [--packs 50] [--resources 20000] [--rounds 5] [--keep] [--search-only]
//
// 1. Writes `--packs` signed packs with the format library's writer (the same canonical manifest +
//    Ed25519 signature + ZIP writer as `tpk build`), 学段/学科/版本/年级/册/单元/课 trees with realistic
//    Chinese titles, `--resources` resources in all, pointing at a few tiny blobs per pack (the bench
//    is about catalogs, not bytes), and imports them with PackLibrary (the code behind packs.import)
//    into one data dir; a second data dir stays empty.
// 2. Starts the real host (electron/host/cli/serve.ts) on each data dir and opens the built renderer
//    in Debian Chromium (one profile per library, like start.mjs's app window). Per round, for each
//    library in turn, a fresh page navigates to the app and we read `performance.now()` (from the
//    navigation start) at the moment the library is interactive: the lesson browser shows its
//    choices (or, when empty, its "import a pack" text). Round 0 is the first open (the catalog is
//    filled from 50 manifests into IndexedDB); rounds 1.. are restarts (catalog from IndexedDB).
// 3. On the full library: opens #/search, measures until the index of all resources is built
//    (manifests fetched, pinyin keys computed), then types queries into the header box and measures
//    from the input event to the results on screen (search + React render), p50/p95.
//    The same queries against the same index in Node (search() alone) give searchFnP95Ms.
// Last line: {"bench":"startup","ratio":…,"searchP95Ms":…,…}
//  - ratio           = median restart time full / median restart time empty (target ≤ 1.5)
//  - firstOpenRatio  = first open full / first open empty (one-time catalog fill)
//  - searchP95Ms     = p95 of input → results painted in the page (target < 50)
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';
import type { PackContent } from '../../common/bridge/methods/lessons';
import { PackLibrary } from '../../content-packs/device/pack-library';
import { canonicalBytes } from '../../content-packs/format/canonical';
import type { PackManifestInput } from '../../content-packs/format/manifest';
import { signatureFileBytes, signManifest } from '../../content-packs/format/signature';
import { enrolTestRoot, seededBytes, testTrust } from '../../content-packs/import/test-helpers';
import { nodeEd25519 } from '../../content-packs/node/ed25519-node';
import { writePack } from '../../content-packs/node/pack-writer';
import { buildSearchIndex, search } from '../../renderer/src/features/search/search-index';
import { ensureRendererBuilt, rendererOut } from '../../scripts/lib/renderer-build.mjs';
import { benchDir, printResult } from './_harness';
import { createHash } from 'node:crypto';

const args = process.argv.slice(2);
const num = (flag: string, dflt: number) => {
  const i = args.indexOf(flag);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : dflt;
};
const PACKS = num('--packs', 50);
const RESOURCES = num('--resources', 20_000);
const ROUNDS = Math.max(2, num('--rounds', 5));
const keep = args.includes('--keep');
/** Only the Node part: build the index from the generated packs and time search() (no import, no browser). */
const searchOnly = args.includes('--search-only');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REPO = join(import.meta.dirname, '..', '..');

// ---------------------------------------------------------------------------------------------
// Packs

const SUBJECTS = ['语文', '数学', '英语', '科学', '道德与法治', '音乐', '美术', '体育与健康', '信息科技'];
const GRADES = ['一年级', '二年级', '三年级', '四年级', '五年级', '六年级'];
const VOLUMES = ['上册', '下册'];
const WORDS = [
  '加法', '减法', '乘法口诀', '除法', '认识图形', '长方形和正方形', '分数的初步认识', '小数', '统计', '位置与方向',
  '春夏秋冬', '小蝌蚪找妈妈', '古诗二首', '画杨桃', '银行', '重量单位', '时分秒', '观察物体', '找规律', '数一数',
  '植物的生长', '水的三态', '声音', '我们的校园', '交通安全', '中国的传统节日', '识字', '拼音', '比大小', '角的初步认识',
];
const RESOURCE_SUFFIX: Array<[string, string, string]> = [
  ['视频', 'video', 'video/mp4'],
  ['课件', 'pdf', 'application/pdf'],
  ['朗读', 'audio', 'audio/mpeg'],
  ['挂图', 'image', 'image/jpeg'],
  ['学习单', 'pdf', 'application/pdf'],
];

interface Built {
  file: string;
  content: PackContent;
}

/** One signed pack: subject/grade/volume from its number, lessons × 5 resources, tiny shared blobs. */
async function writeBenchPack(dir: string, n: number, resources: number): Promise<Built> {
  const trust = await testTrust();
  const subject = SUBJECTS[n % SUBJECTS.length]!;
  const grade = GRADES[Math.floor(n / SUBJECTS.length) % GRADES.length]!;
  const volume = VOLUMES[Math.floor(n / (SUBJECTS.length * GRADES.length)) % VOLUMES.length]!;
  const id = `cn.bench.p${String(n).padStart(3, '0')}`;
  const blobs = RESOURCE_SUFFIX.map(([, , mime], i) => {
    const bytes = seededBytes(`${id}-${i}`, 256 + i);
    return { sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, mime, bytes };
  });
  const lessonCount = Math.ceil(resources / RESOURCE_SUFFIX.length);
  const perUnit = 10;
  const units: unknown[] = [];
  const res: unknown[] = [];
  let made = 0;
  for (let u = 0; u * perUnit < lessonCount; u++) {
    const lessons: unknown[] = [];
    for (let k = 0; k < perUnit && u * perUnit + k < lessonCount; k++) {
      const li = u * perUnit + k;
      const word = WORDS[(li * 7 + n) % WORDS.length]!;
      const lessonTitle = `第${li + 1}课 ${word}`;
      const rids: string[] = [];
      for (let r = 0; r < RESOURCE_SUFFIX.length && made < resources; r++, made++) {
        const [suffix, kind] = RESOURCE_SUFFIX[r]!;
        const b = blobs[r]!;
        const rid = `r${li}-${r}`;
        rids.push(rid);
        res.push({ id: rid, kind, title: { 'zh-CN': `${word}（${li + 1}）${suffix}` }, blob: { sha256: b.sha256, size: b.size, mime: b.mime } });
      }
      lessons.push({ id: `l${li}`, level: 'lesson', title: { 'zh-CN': lessonTitle }, resources: rids });
    }
    units.push({ id: `u${u}`, level: 'unit', title: { 'zh-CN': `第${'一二三四五六七八九十'[u % 10]}单元` }, children: lessons });
  }
  const manifest = {
    format: 'teachpoint-pack/1',
    id,
    version: 1,
    title: { 'zh-CN': `${grade}${subject}${volume}` },
    publisher: { keyId: trust.cert.subject.keyId, name: trust.cert.subject.name, certificate: trust.cert },
    createdAt: '2025-09-01T08:00:00Z',
    tree: [
      {
        id: 'stage',
        level: 'stage',
        title: { 'zh-CN': '小学' },
        children: [
          {
            id: 'subject',
            level: 'subject',
            title: { 'zh-CN': subject },
            children: [
              {
                id: 'edition',
                level: 'edition',
                title: { 'zh-CN': '人教版' },
                children: [
                  { id: 'grade', level: 'grade', title: { 'zh-CN': grade }, children: [{ id: 'volume', level: 'volume', title: { 'zh-CN': volume }, children: units }] },
                ],
              },
            ],
          },
        ],
      },
    ],
    resources: res,
    exercises: [],
  } as unknown as PackManifestInput;
  const manifestBytes = canonicalBytes(manifest);
  const sig = await signManifest(manifestBytes, trust.county.privateKeyFile, nodeEd25519);
  const file = join(dir, `${id}.tpk`);
  await writePack({
    out: file,
    manifestBytes,
    signatureBytes: signatureFileBytes(sig),
    blobs: blobs.map((b) => ({ sha256: b.sha256, size: b.size, source: b.bytes, compress: false })),
    modifiedAt: new Date('2025-09-01T08:00:00Z'),
  });
  return { file, content: { id, version: 1, manifest } as unknown as PackContent };
}

// ---------------------------------------------------------------------------------------------
// Host + browser

interface Host {
  url: string;
  child: ChildProcess;
  stop: () => Promise<void>;
}

async function startHost(dataDir: string, staticDir: string): Promise<Host> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'electron/host/cli/serve.ts', '--data', dataDir, '--port', '0', '--static', staticDir], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TEACHPOINT_EXTRA_DRIVES: '', TEACHPOINT_SAMPLES_DIR: '', TEACHPOINT_TRUST_ROOTS: '', TEACHPOINT_PORT: '' },
  });
  let out = '';
  child.stderr!.on('data', (c: Buffer) => (out += c.toString('utf8')));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`host printed no URL:\n${out}`)), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const m = /^TEACHPOINT_URL=(\S+)$/m.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    void exited.then(() => reject(new Error(`host exited:\n${out}`)));
  });
  return {
    url,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A fresh page on the app; resolves with performance.now() when the library is interactive. */
async function timeToLibrary(context: BrowserContext, url: string): Promise<number> {
  const page = await context.newPage();
  try {
    await page.goto(url, { waitUntil: 'commit' });
    const handle = await page.waitForFunction(
      () => {
        const ready = document.querySelector('.lesson-browser .browse-option, .lesson-browser .lesson-link, .lesson-browser .empty');
        return ready ? performance.now() : null;
      },
      undefined,
      { polling: 'raf', timeout: 120_000 },
    );
    return (await handle.jsonValue()) as number;
  } finally {
    await page.close();
  }
}

const QUERIES = [
  'jf', 'sxjf', 'jiafa', '加法', 'ynj', 'ynj jf', 'sx ynj jf', 'cfx', 'changfangxing', '长方形', 'yinhang', 'shipin',
  'kj', 'ld', 'xxd', 'gsez', 'xkdzmm', 'xiaokedou', '古诗', 'ywgs', 'yy', 'kx szt', 'sxb', 'zlgl', 'hyt', 'sfm',
  'j', 'x', 'di3ke', '第3课', 'ddyfz jtaq', 'ms', 'yyue', 'tyyjk', 'zhaoguilv', 'jiaodechubu', 'fs', 'shuyishu', 'bdx', 'qqqq',
];

/**
 * In-page: type `query` into the header box and resolve with the ms from the input event to the
 * results page showing that query (search + React render). Plain JS in a string: the bench runs
 * under tsx, whose name-keeping helper (__name) does not exist in the page.
 */
const MEASURE_INPUT = `async function (query) {
  var input = document.querySelector('.search-box input');
  var setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
  var shown = function () { var el = document.querySelector('.search-page'); return !!el && el.textContent.indexOf('\u201c' + query + '\u201d') >= 0; };
  // start from a different query so every measurement is a real change
  setter.call(input, query + '~');
  input.dispatchEvent(new Event('input', { bubbles: true }));
  await new Promise(function (r) { setTimeout(r, 0); });
  return await new Promise(function (resolve) {
    var t0 = 0;
    var observer = new MutationObserver(function () { if (shown()) { observer.disconnect(); resolve(performance.now() - t0); } });
    observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    t0 = performance.now();
    setter.call(input, query);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    if (shown()) { observer.disconnect(); resolve(performance.now() - t0); }
  });
}`;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}
const median = (xs: number[]) => percentile(xs, 50);
const round1 = (x: number) => Math.round(x * 10) / 10;

async function main(): Promise<void> {
  ensureRendererBuilt();
  const { dir, cleanup } = benchDir('startup');
  const hosts: Host[] = [];
  let browser: Browser | null = null;
  try {
    const staticDir = join(dir, 'renderer');
    cpSync(rendererOut, staticDir, { recursive: true });
    const packsDir = join(dir, 'packs');
    mkdirSync(packsDir, { recursive: true });
    const perPack = Math.floor(RESOURCES / PACKS);
    let t = performance.now();
    const built: Built[] = [];
    for (let n = 0; n < PACKS; n++) built.push(await writeBenchPack(packsDir, n, perPack + (n < RESOURCES % PACKS ? 1 : 0)));
    const resourceTotal = built.reduce((s, b) => s + b.content.manifest.resources.length, 0);
    const lessonTotal = RESOURCES / RESOURCE_SUFFIX.length;
    console.log(`wrote ${PACKS} signed packs, ${resourceTotal} resources (~${lessonTotal} lessons) in ${((performance.now() - t) / 1000).toFixed(1)} s`);

    // Node: the same index and queries, search() alone
    t = performance.now();
    const nodeIndex = await buildSearchIndex(built.map((b) => b.content));
    const nodeBuildMs = performance.now() - t;
    const fnTimes: number[] = [];
    const worst = new Map<string, number>();
    for (let rep = 0; rep < 3; rep++) {
      for (const q of QUERIES) {
        const s = performance.now();
        search(nodeIndex, q);
        const ms = performance.now() - s;
        fnTimes.push(ms);
        worst.set(q, Math.max(worst.get(q) ?? 0, ms));
      }
    }
    console.log(`node: index of ${nodeIndex.docs.length} docs built in ${nodeBuildMs.toFixed(0)} ms; search() p50 ${median(fnTimes).toFixed(2)} ms, p95 ${percentile(fnTimes, 95).toFixed(2)} ms`);
    if (searchOnly) {
      console.log([...worst].sort((a, b) => b[1] - a[1]).slice(0, 10).map(([q, ms]) => `${q} ${ms.toFixed(1)} ms`).join(' · '));
      printResult({ bench: 'startup', mode: 'search-only', resources: resourceTotal, searchFnP50Ms: round1(median(fnTimes)), searchFnP95Ms: Math.round(percentile(fnTimes, 95) * 100) / 100, nodeIndexBuildMs: Math.round(nodeBuildMs) });
      return;
    }

    const fullData = join(dir, 'data-full');
    const emptyData = join(dir, 'data-empty');
    mkdirSync(emptyData, { recursive: true });
    await enrolTestRoot(fullData);
    t = performance.now();
    const library = new PackLibrary({ dataDir: fullData, reserveBytes: 0 });
    const imported = await library.import(packsDir);
    console.log(`imported ${imported.length} packs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    writeFileSync(join(dir, 'README.txt'), 'startup bench scratch (safe to delete)\n');


    const full = await startHost(fullData, staticDir);
    const empty = await startHost(emptyData, staticDir);
    hosts.push(full, empty);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    // One context per library for the whole run: its IndexedDB (the catalog) persists between rounds, like a profile.
    const ctxFull = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });
    const ctxEmpty = await browser.newContext({ viewport: { width: 1024, height: 768 }, locale: 'zh-CN' });
    const times = { full: [] as number[], empty: [] as number[] };
    for (let r = 0; r < ROUNDS; r++) {
      // alternate which goes first so drift on a shared machine hits both
      const order: Array<'full' | 'empty'> = r % 2 === 0 ? ['empty', 'full'] : ['full', 'empty'];
      for (const which of order) {
        const ms = await timeToLibrary(which === 'full' ? ctxFull : ctxEmpty, which === 'full' ? full.url : empty.url);
        times[which].push(ms);
      }
      console.log(`round ${r}${r === 0 ? ' (first open)' : ''}: empty ${times.empty[r]!.toFixed(0)} ms, full ${times.full[r]!.toFixed(0)} ms`);
    }
    const firstEmpty = times.empty[0]!;
    const firstFull = times.full[0]!;
    const restartEmpty = median(times.empty.slice(1));
    const restartFull = median(times.full.slice(1));

    // Search in the page: index build, then input → results on screen
    const page = await ctxFull.newPage();
    await page.goto(full.url);
    await page.waitForSelector('.lesson-browser .browse-option', { timeout: 120_000 });
    const indexMs = await page.evaluate(async () => {
      const start = performance.now();
      location.hash = '#/search?q=jf';
      while (!document.querySelector('.search-page [role="status"]')) await new Promise((r) => setTimeout(r, 5));
      return performance.now() - start;
    });
    const uiTimes: number[] = [];
    for (let rep = 0; rep < 3; rep++) {
      for (const q of QUERIES) {
        uiTimes.push(
          (await page.evaluate(`(${MEASURE_INPUT})(${JSON.stringify(q)})`)) as number,
        );
      }
    }
    const searchP50 = median(uiTimes);
    const searchP95 = percentile(uiTimes, 95);
    console.log(`page: search index ready ${indexMs.toFixed(0)} ms after opening #/search; input → results p50 ${searchP50.toFixed(1)} ms, p95 ${searchP95.toFixed(1)} ms, max ${Math.max(...uiTimes).toFixed(1)} ms (${uiTimes.length} queries)`);
    // what a teacher sees (kept with --keep): results for sxjf at 1024×768
    await page.evaluate(`(${MEASURE_INPUT})("sxjf")`);
    await page.screenshot({ path: join(dir, 'search-sxjf.png') });
    await page.close();

    printResult({
      bench: 'startup',
      packs: PACKS,
      resources: resourceTotal,
      rounds: ROUNDS,
      emptyRestartMs: round1(restartEmpty),
      fullRestartMs: round1(restartFull),
      ratio: Math.round((restartFull / restartEmpty) * 100) / 100,
      emptyFirstOpenMs: round1(firstEmpty),
      fullFirstOpenMs: round1(firstFull),
      firstOpenRatio: Math.round((firstFull / firstEmpty) * 100) / 100,
      searchIndexReadyMs: round1(indexMs),
      searchP50Ms: round1(searchP50),
      searchP95Ms: round1(searchP95),
      searchFnP95Ms: Math.round(percentile(fnTimes, 95) * 100) / 100,
      nodeIndexBuildMs: Math.round(nodeBuildMs),
    });
  } finally {
    await browser?.close();
    for (const h of hosts) await h.stop();
    if (keep) console.log(`kept ${dir}`);
    else cleanup();
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? (err.stack ?? err.message) : String(err));
  process.exit(1);
});
