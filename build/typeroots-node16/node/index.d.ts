// Main-process and host code must run on Node 16 (Electron 22, the last line for Windows 7).
// This type root makes `/// <reference types="node" />` (ours and electron.d.ts's) resolve to
// @types/node@16 instead of the @types/node@20 the tools use. See docs/decisions.md.
/// <reference path="../../../node_modules/@types/node16/index.d.ts" />
