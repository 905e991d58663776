/** Media pipeline (node): ffmpeg/ffprobe resolution, probing, planning, transcoding, thumbnails, cache. */
export { resolveFfmpeg, resolveFfprobe } from './binaries';
export { probeMedia, parseFfprobe, parseStillImageHeader, mp4Layout, type ProbeResult, type MediaKind, type Mp4Layout } from './probe';
export { planTranscode, getProfile, fitShortSide, PROFILES, PIPELINE_VERSION, type MediaProfile, type ProfileName, type TranscodePlan, type PlanAction } from './plan';
export { transcode, makeThumbnail, parseProgressLine, type TranscodeProgress, type TranscodeOptions } from './transcode';
export { TranscodeCache, cacheKey, defaultCacheDir, type CacheEntry } from './cache';
export { prepareMedia, sha256File, hashFile, sameStamp, type FileStamp, type PreparedMedia, type PrepareOptions } from './prepare';
export { mapSettled, defaultConcurrency, Semaphore } from './pool';
export { decodeText, srtToVtt, isWebVtt, type TextEncodingName } from './text';
