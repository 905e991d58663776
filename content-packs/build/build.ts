/**
 * `tpk build`: source folder → signed .tpk.
 *
 *   scan (source.ts)  →  media pipeline for every audio/video/image (content-packs/media, cached,
 *   parallel; office documents → PDF by one LibreOffice process alongside, media/office.ts)  →
 *   PDFs / courseware / subtitles hashed  →  manifest assembled and validated
 *   (content-packs/format)  →  every problem reported at once, or the pack written by the format
 *   library's streaming ZIP64 writer (`<out>.partial` → fsync → rename).
 *
 * Nothing is written to `out` unless the whole source is clean. Node 16 APIs only.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { TeachPointError } from '../../common/errors/errors';
import {
  type BlobRef,
  type ExerciseItem,
  type ExerciseSet,
  type LessonNode,
  type PackManifest,
  type PackManifestInput,
  type Resource,
  PACK_FORMAT,
  validateManifest,
} from '../format/manifest';
import type { Certificate, PrivateKeyFile } from '../format/trust';
import { TranscodeCache, defaultCacheDir } from '../media/cache';
import { getProfile, type ProfileName } from '../media/plan';
import { mapSettled, defaultConcurrency, Semaphore } from '../media/pool';
import { fastProbe } from '../media/fast-probe';
import { probeMedia, type ProbeResult } from '../media/probe';
import { ThumbnailBatcher } from '../media/thumbnails';
import { type FileStamp, hashFile, prepareMedia, type PreparedMedia } from '../media/prepare';
import { convertOfficeToPdf } from '../media/office';
import { decodeText, isWebVtt, subtitleToVtt } from '../media/text';
import { defaultMastery } from './exercises';
import { BuildFailedError, type BuildProblem, buildProblem } from './problems';
import { isSingleHtmlCourseware, scanSource, type SourceNode, type SourcePlan, type SourceResource } from './source';
import { writePackFile, type PackBlobSource } from './write';

export interface BuildProgress {
  phase: 'scan' | 'media' | 'write' | 'done';
  /** Work units done / total in this phase (bytes of input for media, bytes of output for write). */
  done: number;
  total: number;
  /** File being worked on (relative to the source folder). */
  current?: string;
}

export interface BuildOptions {
  srcDir: string;
  out: string;
  key: PrivateKeyFile;
  cert: Certificate;
  /** Overrides pack.yaml `profile`; default 480p. */
  profile?: ProfileName;
  /** Transcode cache folder; null disables the cache. Default ~/.cache/teachpoint/tpk. */
  cacheDir?: string | null;
  concurrency?: number;
  now?: Date;
  onProgress?: (p: BuildProgress) => void;
  signal?: AbortSignal;
}

export interface BuildStats {
  mediaFiles: number;
  copied: number;
  remuxed: number;
  transcoded: number;
  fromCache: number;
  /** Office documents (PPT/Word/WPS/ODF) turned into PDFs: converted now, and taken from the cache. */
  documentsConverted: number;
  documentsFromCache: number;
}

export interface BuildResult {
  out: string;
  manifest: PackManifest;
  /** Size of the written .tpk. */
  size: number;
  blobCount: number;
  blobBytes: number;
  stats: BuildStats;
}

interface MediaJob {
  abs: string;
  rel: string;
  size: number;
  /** What the source says it should be (resource kind by extension, or 'image'/'audio' for exercise media). */
  expect: 'video' | 'audio' | 'image';
  thumbnail: boolean;
}

interface MediaDone {
  prepared: PreparedMedia;
  blob: BlobRef;
  /** Absent when the hash came from the hash index (then the writer re-hashes the bytes). */
  blobStamp?: FileStamp;
  /** CRC-32 from the hashing pass (with blobStamp), so the writer only copies. */
  blobCrc32?: number;
  thumbnail?: BlobRef;
  thumbnailStamp?: FileStamp;
  thumbnailCrc32?: number;
}

export async function buildPack(options: BuildOptions): Promise<BuildResult> {
  const now = options.now ?? new Date();
  const progress = options.onProgress ?? (() => undefined);
  checkKeyAndCert(options.key, options.cert, now);

  progress({ phase: 'scan', done: 0, total: 1 });
  const { plan, problems } = await scanSource(options.srcDir, { now });
  progress({ phase: 'scan', done: 1, total: 1 });

  const profile = getProfile(options.profile ?? plan.profile ?? '480p');
  const cache = options.cacheDir === null ? null : new TranscodeCache(options.cacheDir ?? defaultCacheDir());
  const workDir = await mkdtemp(join(tmpdir(), 'tpk-build-'));
  try {
    // ---- media jobs (unique by file)
    const jobs = new Map<string, MediaJob>();
    const addJob = async (abs: string, rel: string, expect: MediaJob['expect'], thumbnail: boolean): Promise<boolean> => {
      const existing = jobs.get(abs);
      if (existing) {
        existing.thumbnail ||= thumbnail;
        return true;
      }
      const st = await stat(abs).catch(() => null);
      if (!st?.isFile()) return false;
      jobs.set(abs, { abs, rel, size: st.size, expect, thumbnail });
      return true;
    };
    const exerciseMedia = new Map<string, { abs: string; rel: string }>(); // key `${setFile}|${path}`
    for (const r of plan.resources) {
      if (r.kind === 'video' || r.kind === 'audio' || r.kind === 'image') await addJob(r.abs, r.file, r.kind, r.kind === 'video');
      if (r.kind === 'exercise-set' && r.exercises) {
        for (const d of r.exercises.items) {
          for (const which of ['image', 'audio'] as const) {
            const p = d.media[which];
            if (!p) continue;
            const rel = posix.normalize(posix.join(posix.dirname(r.file), p.replace(/\\/g, '/')));
            const abs = join(options.srcDir, rel);
            const at = d.mediaAt[which] ?? {};
            if (rel.startsWith('../') || !(await addJob(abs, rel, which, false))) {
              problems.push(
                buildProblem(
                  'build.missing-file',
                  { zh: `题目“${d.item.id}”引用的${which === 'image' ? '图片' : '音频'}文件不存在：${p}`, en: `Item "${d.item.id}" references a missing ${which} file: ${p}` },
                  { file: r.file, ...at, field: which === 'image' ? '图片' : '音频' },
                ),
              );
              continue;
            }
            exerciseMedia.set(`${r.file}|${p}`, { abs, rel });
          }
        }
      }
    }

    const jobList = [...jobs.values()];
    const totalBytes = jobList.reduce((s, j) => s + j.size, 0);
    const partial = new Map<string, number>();
    let doneBytes = 0;
    const report = (current?: string) => {
      let inFlight = 0;
      for (const v of partial.values()) inFlight += v;
      progress({ phase: 'media', done: Math.min(totalBytes, doneBytes + inFlight), total: totalBytes, ...(current ? { current } : {}) });
    };
    report();
    const stats: BuildStats = { mediaFiles: jobList.length, copied: 0, remuxed: 0, transcoded: 0, fromCache: 0, documentsConverted: 0, documentsFromCache: 0 };
    const media = new Map<string, MediaDone>();
    // Every file is in flight at once (up to 32), each step bounded by its own resource, so no step
    // waits for another file's: ffmpeg encodes and thumbnails by CPU cores, ffprobe (mostly process
    // start-up) by twice that, sha256 hashing (disk + main thread) one file at a time (measured: two at
    // once is slower on a 2-core machine).
    const cores = options.concurrency ?? defaultConcurrency();
    const transcodeSlots = new Semaphore(cores);
    const thumbnailSlots = new Semaphore(cores);
    const probeSlots = new Semaphore(cores * 2);
    const hashSlots = new Semaphore(1);
    const thumbnails = new ThumbnailBatcher({ slots: thumbnailSlots });
    let thumbSeq = 0;
    const startEarlyThumbnail = (video: string, probe: ProbeResult): { done: Promise<string>; abort: AbortController } => {
      const abort = new AbortController();
      const onAbort = () => abort.abort();
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const out = join(workDir, `thumb-${++thumbSeq}.jpg`);
      // collected for a moment and made by one ffmpeg with the other videos' (media/thumbnails.ts)
      const done = thumbnails
        .request(video, out, { signal: abort.signal, width: profile.thumbnailWidth, ...(probe.duration !== undefined ? { duration: probe.duration } : {}) })
        .then(() => out)
        .finally(() => options.signal?.removeEventListener('abort', onAbort));
      done.catch(() => undefined); // awaited (or dropped) by the job
      return { done, abort };
    };
    // Office documents → PDF: one LibreOffice process for every cache miss, running alongside ffmpeg.
    const officeDone = convertOfficeDocuments(plan, { cache, workDir, hashSlots, ...(options.signal ? { signal: options.signal } : {}) });
    officeDone.catch(() => undefined); // awaited below
    const settled = await mapSettled(
      jobList,
      async (job) => {
        const st = await stat(job.abs);
        const stampNow: FileStamp = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
        const indexed = cache ? await cache.getHash(job.abs, stampNow) : null;
        let input: { sha256: string; stamp?: FileStamp; crc32?: number };
        let sourceProbe: ProbeResult | undefined;
        let early: { done: Promise<string>; abort: AbortController } | undefined;
        if (indexed) {
          // no stamp: the pack writer re-hashes these bytes, so a stale index cannot slip through
          input = { sha256: indexed };
        } else {
          // Already-conforming MP4/MP3 are recognised from their headers (a few small reads); anything
          // else, or anything the fast path is unsure about, is probed by ffprobe while the file is hashed.
          const fast = await fastProbe(job.abs, profile).catch(() => null);
          if (fast && 'probe' in fast) {
            sourceProbe = fast.probe;
            // a pass-through video's thumbnail only needs the input: make it while the file is hashed
            if (job.thumbnail && sourceProbe.kind === 'video') early = startEarlyThumbnail(job.abs, sourceProbe);
          }
          const [h, p] = await Promise.all([
            hashSlots.run(() => hashFile(job.abs, undefined, { crc32: true })),
            sourceProbe ?? probeSlots.run(() => probeMedia(job.abs, options.signal ? { signal: options.signal } : {})).catch(() => undefined),
          ]);
          input = h;
          sourceProbe = p;
          if (cache) await cache.putHash(job.abs, h.stamp, h.sha256).catch(() => undefined);
        }
        const sha = input.sha256;
        const prepared = await prepareMedia(job.abs, {
          profile,
          workDir,
          cache,
          inputSha256: sha,
          thumbnail: job.thumbnail,
          transcodeSlots,
          ...(early ? { earlyThumbnail: early.done } : {}),
          ...(sourceProbe ? { sourceProbe } : {}),
          ...(options.signal ? { signal: options.signal } : {}),
          onProgress: (p) => {
            if (p.fraction !== undefined) {
              partial.set(job.abs, p.fraction * job.size);
              report(job.rel);
            }
          },
        }).finally(async () => {
          // not used (cache hit) or the job failed: stop it and let it settle
          if (early) {
            early.abort.abort();
            await early.done.catch(() => undefined);
          }
        });
        const output = prepared.output === job.abs ? input : await hashSlots.run(() => hashFile(prepared.output, undefined, { crc32: true }));
        const done: MediaDone = { prepared, blob: { sha256: output.sha256, size: prepared.output === job.abs ? job.size : output.stamp!.size, mime: prepared.plan.mime } };
        if (output.stamp) done.blobStamp = output.stamp;
        if (output.stamp && output.crc32 !== undefined) done.blobCrc32 = output.crc32;
        if (prepared.thumbnail) {
          const t = await hashFile(prepared.thumbnail, undefined, { crc32: true });
          done.thumbnail = { sha256: t.sha256, size: t.stamp.size, mime: 'image/jpeg' };
          done.thumbnailStamp = t.stamp;
          if (t.crc32 !== undefined) done.thumbnailCrc32 = t.crc32;
        }
        partial.delete(job.abs);
        doneBytes += job.size;
        report(job.rel);
        return done;
      },
      Math.max(cores * 2, 32),
    );
    settled.forEach((s, i) => {
      const job = jobList[i]!;
      if (s.status === 'fulfilled') {
        media.set(job.abs, s.value);
        const a = s.value.prepared;
        if (a.fromCache) stats.fromCache++;
        stats[a.plan.action === 'copy' ? 'copied' : a.plan.action === 'remux' ? 'remuxed' : 'transcoded']++;
        if (job.expect === 'image' && a.probe.kind !== 'image') {
          problems.push(buildProblem('build.unsupported-file', { zh: `这里需要图片，但该文件是${a.probe.kind === 'video' ? '视频' : '音频'}`, en: `An image is expected here, but this file is ${a.probe.kind}` }, { file: job.rel }));
        }
      } else {
        const err = s.reason as unknown;
        if ((err as Error)?.name === 'AbortError') throw err;
        problems.push(mediaProblem(err, job.rel));
      }
    });

    // ---- other blobs: PDFs, courseware, subtitles
    const blobs = new Map<string, PackBlobSource>();
    const addBlob = (ref: BlobRef, source: { path: string; stamp?: FileStamp; crc32?: number } | { bytes: Uint8Array }, compress: boolean) => {
      if (!blobs.has(ref.sha256)) blobs.set(ref.sha256, { sha256: ref.sha256, size: ref.size, mime: ref.mime, compress, ...source });
    };
    for (const m of media.values()) {
      addBlob(m.blob, { path: m.prepared.output, ...(m.blobStamp ? { stamp: m.blobStamp } : {}), ...(m.blobStamp && m.blobCrc32 !== undefined ? { crc32: m.blobCrc32 } : {}) }, false);
      if (m.thumbnail && m.thumbnailStamp && m.prepared.thumbnail) {
        addBlob(m.thumbnail, { path: m.prepared.thumbnail, stamp: m.thumbnailStamp, ...(m.thumbnailCrc32 !== undefined ? { crc32: m.thumbnailCrc32 } : {}) }, false);
      }
    }
    const fileBlobs = new Map<string, BlobRef & { stamp: FileStamp }>();
    const subtitleBlobs = new Map<string, BlobRef>();
    const documents = await officeDone;
    stats.documentsConverted = documents.converted;
    stats.documentsFromCache = documents.fromCache;
    problems.push(...documents.problems);
    for (const r of plan.resources) {
      if (r.convert === 'office') {
        const pdf = documents.pdfs.get(r.abs);
        if (!pdf) continue; // its problem is reported
        const h = await hashFile(pdf, undefined, { crc32: true });
        const ref = { sha256: h.sha256, size: h.stamp.size, mime: 'application/pdf', stamp: h.stamp };
        fileBlobs.set(r.abs, ref);
        addBlob(ref, { path: pdf, stamp: h.stamp, ...(h.crc32 !== undefined ? { crc32: h.crc32 } : {}) }, false);
      } else if (r.kind === 'pdf' || r.kind === 'html5') {
        const ref = await hashOtherFile(r, problems);
        if (ref) {
          fileBlobs.set(r.abs, ref);
          addBlob(ref, { path: r.abs, stamp: ref.stamp, ...(ref.crc32 !== undefined ? { crc32: ref.crc32 } : {}) }, false);
        }
      }
      for (const s of r.subtitles) {
        const bytes = await readFile(s.abs).catch(() => null);
        if (!bytes) {
          problems.push(buildProblem('build.unreadable-file', { zh: '无法读取字幕文件', en: 'Cannot read the subtitle file' }, { file: s.file }));
          continue;
        }
        const { text } = decodeText(bytes);
        const converted = subtitleToVtt(text, /\.srt$/i.test(s.file));
        if ('error' in converted) {
          problems.push(
            converted.error === 'not-vtt'
              ? buildProblem('build.bad-subtitle', { zh: 'WebVTT 字幕文件必须以“WEBVTT”开头', en: 'A WebVTT file must start with "WEBVTT"' }, { file: s.file, row: 1 })
              : buildProblem('build.bad-subtitle', { zh: '字幕文件里没有任何字幕条目（时间轴“00:00:01,000 --> 00:00:03,000”加文字），可能不是字幕或已损坏。请换一个字幕文件或删除它', en: 'The subtitle file has no cues (a timing line "00:00:01,000 --> 00:00:03,000" plus text); it may not be a subtitle or may be damaged. Replace or remove it' }, { file: s.file }),
          );
          continue;
        }
        const vtt = converted.vtt;
        // pass VTT through byte for byte when it already is UTF-8 without BOM
        const out = Buffer.from(vtt, 'utf8');
        const data = isWebVtt(text) && !/\.srt$/i.test(s.file) && out.equals(bytes) ? bytes : out;
        const ref: BlobRef = { sha256: createHash('sha256').update(data).digest('hex'), size: data.length, mime: 'text/vtt' };
        subtitleBlobs.set(s.abs, ref);
        addBlob(ref, { bytes: new Uint8Array(data) }, true);
      }
    }

    // ---- manifest
    const exercises: ExerciseSet[] = [];
    const resources: Resource[] = [];
    for (const r of plan.resources) {
      const res = assembleResource(r, plan, media, fileBlobs, subtitleBlobs, exerciseMedia, exercises);
      if (res) resources.push(res);
    }
    if (problems.length > 0) throw new BuildFailedError(problems);

    const manifestInput: PackManifestInput = {
      format: PACK_FORMAT,
      id: plan.id,
      version: plan.version,
      title: plan.title,
      ...(plan.description ? { description: plan.description } : {}),
      publisher: { keyId: options.key.keyId, name: options.cert.subject.name, certificate: options.cert },
      createdAt: now.toISOString(),
      tree: plan.tree.map(toLessonNode),
      resources,
      exercises,
    };
    const validation = validateManifest(manifestInput);
    if (!validation.ok) {
      throw new BuildFailedError(
        validation.problems.map((p) => buildProblem('build.manifest-invalid', p.message, { file: 'manifest.json', ...(p.path ? { field: p.path } : {}) }, { packProblem: p.code })),
      );
    }
    const manifest = validation.manifest;

    // ---- write
    const blobList = [...blobs.values()];
    const blobBytes = blobList.reduce((s, b) => s + b.size, 0);
    progress({ phase: 'write', done: 0, total: blobBytes });
    const written = await writePackFile({
      out: options.out,
      manifest,
      key: options.key,
      blobs: blobList,
      onProgress: (done) => progress({ phase: 'write', done, total: blobBytes }),
      ...(options.signal ? { signal: options.signal } : {}),
    }).catch(async (err: unknown) => {
      // a file changed without its size/mtime/inode changing: forget remembered hashes so the next run re-reads everything
      if (cache && err instanceof TeachPointError && err.code === 'pack.write-hash-mismatch') await cache.clearHashIndex().catch(() => undefined);
      throw err;
    });
    progress({ phase: 'done', done: 1, total: 1 });
    return { out: options.out, manifest, size: written.size, blobCount: blobList.length, blobBytes, stats };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

function checkKeyAndCert(key: PrivateKeyFile, cert: Certificate, now: Date): void {
  if (key.keyId !== cert.subject.keyId) {
    throw new TeachPointError(
      'build.key-mismatch',
      {
        zh: `私钥（${key.keyId}）与证书中的公钥（${cert.subject.keyId}）不匹配。请使用与证书配套的 .key 文件，或用 tpk certify 为这个密钥重新签发证书。`,
        en: `The private key (${key.keyId}) does not match the certificate's key (${cert.subject.keyId}). Use the .key that belongs to the certificate, or certify this key with tpk certify.`,
      },
      { keyId: key.keyId, certKeyId: cert.subject.keyId },
    );
  }
  if (Date.parse(cert.notAfter) < now.getTime()) {
    throw new TeachPointError(
      'build.cert-expired',
      { zh: `证书已于 ${cert.notAfter} 过期，用它签名的资源包会被学校拒收。请向省级平台申请新证书（tpk certify）。`, en: `The certificate expired on ${cert.notAfter}; schools would reject packs signed with it. Get a new one (tpk certify).` },
      { notAfter: cert.notAfter },
    );
  }
}

function mediaProblem(err: unknown, rel: string): BuildProblem {
  if (err instanceof TeachPointError && (err.code === 'media.unreadable' || err.code === 'media.transcode-failed' || err.code === 'media.thumbnail-failed')) {
    return buildProblem(err.code, err.localized, { file: rel }, err.details);
  }
  if (err instanceof TeachPointError) return buildProblem('build.unreadable-file', err.localized, { file: rel }, { cause: err.code });
  const msg = err instanceof Error ? err.message : String(err);
  return buildProblem('build.unreadable-file', { zh: `无法处理该文件：${msg}`, en: `Cannot process this file: ${msg}` }, { file: rel });
}

async function hashOtherFile(r: SourceResource, problems: BuildProblem[]): Promise<(BlobRef & { stamp: FileStamp; crc32?: number }) | null> {
  try {
    const st = await stat(r.abs);
    if (r.kind === 'pdf') {
      const fh = await open(r.abs, 'r');
      const head = Buffer.alloc(1024);
      const { bytesRead } = await fh.read(head, 0, 1024, 0);
      const tail = Buffer.alloc(Math.min(2048, st.size));
      await fh.read(tail, 0, tail.length, Math.max(0, st.size - tail.length));
      await fh.close();
      if (!head.subarray(0, bytesRead).includes('%PDF-')) {
        problems.push(buildProblem('media.unreadable', { zh: '不是有效的 PDF 文件（文件头不是 %PDF-）。请重新导出 PDF', en: 'Not a valid PDF (no %PDF- header). Export the PDF again' }, { file: r.file }));
        return null;
      }
      if (!tail.includes('%%EOF')) {
        problems.push(buildProblem('media.unreadable', { zh: 'PDF 文件不完整（缺少 %%EOF 结尾，可能复制时被截断）。请重新复制或导出', en: 'The PDF is incomplete (no %%EOF; probably cut off while copying). Copy or export it again' }, { file: r.file }));
        return null;
      }
    }
    const h = await hashFile(r.abs, undefined, { crc32: true });
    return { sha256: h.sha256, size: h.stamp.size, mime: r.kind === 'pdf' ? 'application/pdf' : isSingleHtmlCourseware(r.abs) ? 'text/html' : 'application/zip', stamp: h.stamp, ...(h.crc32 !== undefined ? { crc32: h.crc32 } : {}) };
  } catch {
    problems.push(buildProblem('build.unreadable-file', { zh: '无法读取该文件', en: 'Cannot read this file' }, { file: r.file }));
    return null;
  }
}

function assembleResource(
  r: SourceResource,
  plan: SourcePlan,
  media: Map<string, MediaDone>,
  fileBlobs: Map<string, BlobRef & { stamp: FileStamp }>,
  subtitleBlobs: Map<string, BlobRef>,
  exerciseMedia: Map<string, { abs: string; rel: string }>,
  exercises: ExerciseSet[],
): Resource | null {
  const common = { id: r.id, title: r.title, ...(r.description ? { description: r.description } : {}), ...(r.license ? { license: r.license } : {}) };
  if (r.kind === 'exercise-set') {
    const draft = r.exercises!;
    if (draft.items.length === 0) return null; // problems already reported by the parser
    const items: ExerciseItem[] = draft.items.map((d) => {
      const item = { ...d.item } as ExerciseItem;
      if (d.media.image) {
        const m = exerciseMedia.get(`${r.file}|${d.media.image}`);
        const done = m ? media.get(m.abs) : undefined;
        if (done) item.image = done.blob;
      }
      if (d.media.audio) {
        const m = exerciseMedia.get(`${r.file}|${d.media.audio}`);
        const done = m ? media.get(m.abs) : undefined;
        if (done) item.audioPrompt = done.blob;
      }
      return item;
    });
    exercises.push({ id: draft.id, title: r.title, items, mastery: draft.mastery ?? plan.mastery ?? defaultMastery(items.length) });
    return { ...common, kind: 'exercise-set', exerciseSetId: draft.id };
  }
  if (r.kind === 'pdf' || r.kind === 'html5') {
    const blob = fileBlobs.get(r.abs);
    if (!blob) return null;
    return { ...common, kind: r.kind, blob: { sha256: blob.sha256, size: blob.size, mime: blob.mime }, ...(r.kind === 'html5' && r.entry ? { entry: r.entry } : {}) };
  }
  const done = media.get(r.abs);
  if (!done) return null;
  const kind = done.prepared.probe.kind; // an .mp4 with only sound is an audio resource
  const subtitles = r.subtitles.flatMap((s) => {
    const blob = subtitleBlobs.get(s.abs);
    return blob ? [{ lang: s.lang, ...(s.label ? { label: s.label } : {}), blob }] : [];
  });
  return {
    ...common,
    kind,
    blob: done.blob,
    ...(done.prepared.probe.duration ? { durationSec: Math.round(done.prepared.probe.duration * 1000) / 1000 } : {}),
    ...(done.thumbnail ? { thumbnail: done.thumbnail } : {}),
    ...(subtitles.length > 0 && kind !== 'image' ? { subtitles } : {}),
  };
}

function toLessonNode(n: SourceNode): LessonNode {
  const node: LessonNode = { id: n.id, level: n.level, title: n.title };
  if (n.children) node.children = n.children.map(toLessonNode);
  if (n.resources) node.resources = n.resources.map((r) => r.id);
  return node;
}

/**
 * Hash every office document of the plan (through the hash index, like media) and convert them
 * with `convertOfficeToPdf` (cache hits first, then one LibreOffice process for the rest).
 * A missing LibreOffice is ONE problem naming the files, not one per file.
 */
async function convertOfficeDocuments(
  plan: SourcePlan,
  options: { cache: TranscodeCache | null; workDir: string; hashSlots: Semaphore; signal?: AbortSignal },
): Promise<{ pdfs: Map<string, string>; problems: BuildProblem[]; converted: number; fromCache: number }> {
  const docs = new Map<string, SourceResource>();
  for (const r of plan.resources) if (r.convert === 'office' && !docs.has(r.abs)) docs.set(r.abs, r);
  const result = { pdfs: new Map<string, string>(), problems: [] as BuildProblem[], converted: 0, fromCache: 0 };
  if (docs.size === 0) return result;
  const inputs: Array<{ abs: string; sha256: string; file: string }> = [];
  for (const r of docs.values()) {
    try {
      const st = await stat(r.abs);
      const stamp: FileStamp = { size: st.size, mtimeMs: st.mtimeMs, ino: st.ino };
      let sha = options.cache ? await options.cache.getHash(r.abs, stamp) : null;
      if (!sha) {
        const h = await options.hashSlots.run(() => hashFile(r.abs));
        sha = h.sha256;
        if (options.cache) await options.cache.putHash(r.abs, h.stamp, h.sha256).catch(() => undefined);
      }
      inputs.push({ abs: r.abs, sha256: sha, file: r.file });
    } catch {
      result.problems.push(buildProblem('build.unreadable-file', { zh: '无法读取该文件', en: 'Cannot read this file' }, { file: r.file }));
    }
  }
  const outcomes = await convertOfficeToPdf(inputs, { cache: options.cache, workDir: options.workDir, ...(options.signal ? { signal: options.signal } : {}) });
  const missing: string[] = [];
  let missingError: TeachPointError | null = null;
  outcomes.forEach((o, i) => {
    const input = inputs[i]!;
    if (o.ok) {
      result.pdfs.set(input.abs, o.pdf);
      if (o.fromCache) result.fromCache++;
      else result.converted++;
    } else if (o.error.code === 'media.office-missing') {
      missing.push(input.file);
      missingError ??= o.error;
    } else {
      result.problems.push(buildProblem(o.error.code === 'media.office-convert-failed' ? 'media.office-convert-failed' : 'build.unreadable-file', o.error.localized, { file: input.file }));
    }
  });
  if (missingError) {
    const shown = missing.slice(0, 5).join('、');
    const more = missing.length > 5 ? missing.length - 5 : 0;
    const e: TeachPointError = missingError;
    result.problems.push(
      buildProblem(
        'media.office-missing',
        {
          zh: `${e.localized.zh}（需要转换的文件：${shown}${more ? ` 等 ${missing.length} 个` : ''}）`,
          en: `${e.localized.en} (files to convert: ${missing.slice(0, 5).join(', ')}${more ? ` and ${more} more` : ''})`,
        },
        { file: missing[0]! },
        { files: missing },
      ),
    );
  }
  return result;
}
