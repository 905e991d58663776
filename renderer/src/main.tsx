import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { HashRouter } from 'react-router-dom';
import { AppProviders, AppRoutes } from './app/App';
import { installQuitHandshake, requestPersistentStorage } from './app/lifecycle';
import { createBridge } from './bridge/create-bridge';
import { withTeacherSession } from './bridge/teacher-session';
import { TeachPointDB } from './db/db';
import { createI18n } from './i18n/i18n';
import { preparePlatform } from './platform/create-platform';
import './styles.css';

// Composition root: everything is chosen once, here.
// 1. Transport (IPC if the Electron preload is present, else HTTP; the token leaves the URL now,
//    before HashRouter reads the fragment). 2. Platform. 3. Database. 4. Translations.
// Privileged calls (pack removal/export/import, 我的资料 changes) carry the teacher session when unlocked.
const transport = createBridge();
const bridge = withTeacherSession(transport);
// The platform is chosen from the transport itself: the session wrapper is not an HttpBridge, and
// choosing from it made a browser tab an "Electron" platform (tp-media:// URLs, no media at all).
const platform = preparePlatform(transport);
const i18n = createI18n();

let db: TeachPointDB | null = null;
try {
  db = new TeachPointDB();
  db.open().catch((err: unknown) => console.error('[db] could not open the database', err));
} catch (err) {
  console.error('[db] IndexedDB unavailable', err);
}

installQuitHandshake(bridge, db);
void requestPersistentStorage().then((granted) => {
  if (granted === false) console.warn('[db] persistent storage not granted; IndexedDB is best-effort');
});

const container = document.getElementById('root');
if (!container) throw new Error('#root missing from index.html');
createRoot(container).render(
  <StrictMode>
    <AppProviders services={{ bridge, platform, db }} i18n={i18n}>
      <HashRouter>
        <AppRoutes />
      </HashRouter>
    </AppProviders>
  </StrictMode>,
);
