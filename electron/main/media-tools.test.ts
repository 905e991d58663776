import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useBundledMediaTools } from './media-tools';

const resources = mkdtempSync(path.join(tmpdir(), 'tp-resources-'));
afterAll(() => rmSync(resources, { recursive: true, force: true }));

describe('useBundledMediaTools (packaged app: resources/ffmpeg/)', () => {
  it('points FFMPEG_PATH/FFPROBE_PATH at the unpacked binaries of this platform, unless already set', () => {
    mkdirSync(path.join(resources, 'ffmpeg'));
    writeFileSync(path.join(resources, 'ffmpeg', 'ffmpeg.exe'), '');
    writeFileSync(path.join(resources, 'ffmpeg', 'ffprobe.exe'), '');
    const env: NodeJS.ProcessEnv = { FFPROBE_PATH: 'C:\\tools\\ffprobe.exe' };
    useBundledMediaTools(resources, env, 'win32');
    expect(env).toEqual({ FFMPEG_PATH: path.join(resources, 'ffmpeg', 'ffmpeg.exe'), FFPROBE_PATH: 'C:\\tools\\ffprobe.exe' });
    const linux: NodeJS.ProcessEnv = {};
    useBundledMediaTools(resources, linux, 'linux');
    expect(linux).toEqual({}); // no linux binaries there: binaries.ts falls back to the package or PATH
  });
});
