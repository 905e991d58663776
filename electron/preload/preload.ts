import { contextBridge, ipcRenderer } from 'electron';
import { PRELOAD_GLOBAL } from '../../common/bridge/preload-api';
import { createPreloadApi } from './preload-api';

/**
 * Sandboxed preload (bundled to dist/electron/preload.cjs): exposes the narrow bridge API as
 * `window.teachpoint` and nothing else.
 */
contextBridge.exposeInMainWorld(PRELOAD_GLOBAL, createPreloadApi(ipcRenderer, (message) => console.error(message)));
