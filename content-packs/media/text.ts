/**
 * Text files from Chinese Windows machines: UTF-8 with or without BOM, or GBK (what Excel and
 * Notepad on zh-CN Windows save). Detection: a strict UTF-8 decode; if that fails, GBK.
 * (`TextDecoder('gbk')` needs full ICU, which Node 16+ and Electron ship.)
 */
import { TextDecoder } from 'node:util';

export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gbk';

export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncodingName; bom: boolean } {
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return { text: new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(3)), encoding: 'utf-8', bom: true };
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf-16le', bom: true };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf-16be', bom: true };
  }
  try {
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), encoding: 'utf-8', bom: false };
  } catch {
    return { text: new TextDecoder('gbk').decode(bytes), encoding: 'gbk', bom: false };
  }
}

/** SubRip (.srt) → WebVTT. Pure. */
export function srtToVtt(srt: string): string {
  const body = srt
    .replace(/\r\n?/g, '\n')
    .replace(/^\uFEFF/, '')
    .replace(/(\d{1,2}:\d{2}:\d{2}),(\d{3})/g, '$1.$2')
    .trim();
  return `WEBVTT\n\n${body}\n`;
}

/** Does this text look like a WebVTT file (signature line)? */
export function isWebVtt(text: string): boolean {
  return /^(\uFEFF)?WEBVTT([ \t].*)?(\r?\n|$)/.test(text);
}

/** Number of cues (timing lines `start --> end`) in a WebVTT text. */
export function vttCueCount(vtt: string): number {
  let n = 0;
  for (const line of vtt.split(/\r?\n/)) if (/^\s*(\d+:)?\d{1,2}:\d{2}\.\d{3}\s+-->\s+(\d+:)?\d{1,2}:\d{2}\.\d{3}/.test(line)) n++;
  return n;
}

/**
 * A subtitle file's text → WebVTT, or why not: `.srt` is converted, `.vtt` must start with WEBVTT,
 * and either must hold at least one cue (random bytes named `.srt` used to become an empty WEBVTT).
 */
export function subtitleToVtt(text: string, isSrt: boolean): { vtt: string } | { error: 'not-vtt' | 'no-cues' } {
  let vtt: string;
  if (isSrt) vtt = srtToVtt(text);
  else if (isWebVtt(text)) vtt = text.replace(/^\uFEFF/, '');
  else return { error: 'not-vtt' };
  return vttCueCount(vtt) > 0 ? { vtt } : { error: 'no-cues' };
}
