// Runs the main-process bundle against the Electron 22 stand-in and prints one JSON line:
// what main registered, and the answer to a bridge call from the window's main frame.
'use strict';
const electron = require('electron');
const main = require('./main.cjs');

(async () => {
  const runtime = await main.running;
  const handler = electron.__stub.ipcHandlers.get('teachpoint:call');
  const win = electron.BrowserWindow.instances[0];
  const trusted = { sender: win.webContents, senderFrame: win.webContents.mainFrame };
  const info = await handler(trusted, 'app.info', {});
  const untrusted = await handler({ sender: win.webContents, senderFrame: { url: 'https://evil.example/', parent: null } }, 'app.info', {});
  const calls = electron.__stub.calls.map((c) => c[0]);
  console.log(JSON.stringify({
    protocolApi: runtime && runtime.protocolApi,
    streamSchemes: electron.__stub.calls.filter((c) => c[0] === 'protocol.registerStreamProtocol').map((c) => c[1]),
    webPreferences: win.options.webPreferences,
    calls,
    info,
    untrusted,
  }));
  process.exit(0);
})().catch((err) => {
  console.error(err && err.stack ? err.stack : String(err));
  process.exit(1);
});
