// A stand-in for Electron 22's `electron` module, just wide enough for electron/main to start:
// used by tests/node16 to run the real main-process bundle on a real Node 16 (the classic line's
// runtime). Electron 22 shape: protocol.registerStreamProtocol, no protocol.handle.
'use strict';
const { EventEmitter } = require('events');

const calls = [];
const ipcHandlers = new Map();
const note = (name) => (...args) => void calls.push([name, ...args]);

const app = Object.assign(new EventEmitter(), {
  setPath: note('app.setPath'),
  setAppLogsPath: note('app.setAppLogsPath'),
  requestSingleInstanceLock: () => (calls.push(['app.requestSingleInstanceLock']), true),
  disableHardwareAcceleration: note('app.disableHardwareAcceleration'),
  enableSandbox: note('app.enableSandbox'),
  commandLine: { appendSwitch: note('app.commandLine.appendSwitch') },
  whenReady: async () => void calls.push(['app.whenReady']),
  getVersion: () => '0.1.0',
  getAppPath: () => process.env.STUB_APP_PATH,
  relaunch: note('app.relaunch'),
  exit: note('app.exit'),
  quit: note('app.quit'),
});

class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    BrowserWindow.instances.push(this);
    this.webContents = Object.assign(new EventEmitter(), {
      id: 1,
      mainFrame: { url: 'app://teachpoint/', parent: null, processId: 4, routingId: 1 },
      isDestroyed: () => false,
      isCrashed: () => false,
      send: note('webContents.send'),
      setWindowOpenHandler: note('webContents.setWindowOpenHandler'),
      setWebRTCIPHandlingPolicy: note('webContents.setWebRTCIPHandlingPolicy'),
      getURL: () => 'app://teachpoint/',
    });
    app.emit('web-contents-created', {}, this.webContents);
  }
  isDestroyed() { return false; }
  async loadURL(url) { calls.push(['win.loadURL', url]); }
  show() { calls.push(['win.show']); }
}
BrowserWindow.instances = [];

const protocol = {
  registerSchemesAsPrivileged: note('protocol.registerSchemesAsPrivileged'),
  registerStreamProtocol: note('protocol.registerStreamProtocol'),
};
const defaultSession = Object.assign(new EventEmitter(), {
  setPermissionRequestHandler: note('session.setPermissionRequestHandler'),
  setPermissionCheckHandler: note('session.setPermissionCheckHandler'),
  setDevicePermissionHandler: note('session.setDevicePermissionHandler'),
});
const ipcMain = {
  handle: (channel, handler) => void ipcHandlers.set(channel, handler),
  removeHandler: (channel) => void ipcHandlers.delete(channel),
};
const dialog = {
  showMessageBox: async () => ({ response: 1 }),
  showErrorBox: note('dialog.showErrorBox'),
  showOpenDialog: async () => ({ canceled: true, filePaths: [] }),
};

module.exports = { app, BrowserWindow, protocol, session: { defaultSession }, ipcMain, dialog, __stub: { calls, ipcHandlers } };
