#!/usr/bin/env node
// Makes the app icons from one SVG mark (build/icon.svg), rendered by Debian's Chromium so the
// edges are anti-aliased at every size:
//   build/icons/<n>x<n>.png  n = 16 24 32 48 64 128 256 512   (Linux: electron-builder's icon set)
//   build/icon.png            512 px                           (Linux default / AppImage)
//   build/icon.ico            16–256 px: 32-bit BMP entries up to 128 px (Windows 7 shell, NSIS),
//                             PNG for 256 px (Vista+ convention)
// Run: node build/make-icons.mjs   (CHROMIUM_PATH overrides /usr/bin/chromium). The outputs are committed.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512];
export const ICO_SIZES = [16, 24, 32, 48, 64, 128, 256];

/** One ICO file from RGBA images: BMP (BITMAPINFOHEADER + BGRA bottom-up + AND mask) or PNG entries. */
export function encodeIco(images) {
  const entries = images.map(({ size, rgba, png }) => {
    if (size >= 256) return { size, data: png };
    const header = Buffer.alloc(40);
    header.writeUInt32LE(40, 0);
    header.writeInt32LE(size, 4);
    header.writeInt32LE(size * 2, 8); // XOR + AND masks
    header.writeUInt16LE(1, 12);
    header.writeUInt16LE(32, 14);
    header.writeUInt32LE(0, 16);
    const xor = Buffer.alloc(size * size * 4);
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const src = ((size - 1 - y) * size + x) * 4;
        const dst = (y * size + x) * 4;
        xor[dst] = rgba[src + 2];
        xor[dst + 1] = rgba[src + 1];
        xor[dst + 2] = rgba[src];
        xor[dst + 3] = rgba[src + 3];
      }
    }
    const maskRow = Math.ceil(size / 32) * 4;
    const and = Buffer.alloc(maskRow * size); // all 0: alpha channel decides
    return { size, data: Buffer.concat([header, xor, and]) };
  });
  const dir = Buffer.alloc(6 + 16 * entries.length);
  dir.writeUInt16LE(0, 0);
  dir.writeUInt16LE(1, 2);
  dir.writeUInt16LE(entries.length, 4);
  let offset = dir.length;
  entries.forEach(({ size, data }, i) => {
    const at = 6 + 16 * i;
    dir.writeUInt8(size >= 256 ? 0 : size, at);
    dir.writeUInt8(size >= 256 ? 0 : size, at + 1);
    dir.writeUInt16LE(1, at + 4);
    dir.writeUInt16LE(32, at + 6);
    dir.writeUInt32LE(data.length, at + 8);
    dir.writeUInt32LE(offset, at + 12);
    offset += data.length;
  });
  return Buffer.concat([dir, ...entries.map((e) => e.data)]);
}

/** Reads an ICO directory: [{ width, height, bytes, format }]. */
export function readIcoDirectory(buf) {
  if (buf.readUInt16LE(0) !== 0 || buf.readUInt16LE(2) !== 1) throw new Error('not an ICO file');
  const count = buf.readUInt16LE(4);
  return Array.from({ length: count }, (_, i) => {
    const at = 6 + 16 * i;
    const offset = buf.readUInt32LE(at + 12);
    const bytes = buf.readUInt32LE(at + 8);
    const png = buf.subarray(offset, offset + 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    return { width: buf[at] || 256, height: buf[at + 1] || 256, bytes, format: png ? 'png' : 'bmp' };
  });
}

async function main() {
  const svg = readFileSync(path.join(here, 'icon.svg'), 'utf8');
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
  const images = [];
  try {
    const page = await browser.newPage();
    mkdirSync(path.join(here, 'icons'), { recursive: true });
    for (const size of ICON_SIZES) {
      await page.setViewportSize({ width: size, height: size });
      await page.setContent(`<!doctype html><style>html,body{margin:0;background:transparent}svg{display:block;width:${size}px;height:${size}px}</style>${svg}`);
      const png = await page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
      writeFileSync(path.join(here, 'icons', `${size}x${size}.png`), png);
      images.push({ size, png, rgba: PNG.sync.read(png).data });
    }
  } finally {
    await browser.close();
  }
  writeFileSync(path.join(here, 'icon.png'), images.find((i) => i.size === 512).png);
  writeFileSync(path.join(here, 'icon.ico'), encodeIco(images.filter((i) => ICO_SIZES.includes(i.size))));
  console.log(`icons: build/icons/{${ICON_SIZES.join(',')}}.png, build/icon.png, build/icon.ico`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
