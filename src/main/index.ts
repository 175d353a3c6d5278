import { app, BrowserWindow, session } from 'electron';
import path from 'node:path';
import { startServer, type RunningServer } from '../server/server';
import { registerIpc } from './ipc';
import { lockDownNavigation, lockDownSession, secureWebPreferences } from './window-security';

/**
 * The thin Electron layer: one window over the embedded server, which does all the
 * work and is the same code the headless `serve` command runs.
 */
let server: RunningServer | undefined;

function dataDirFromArgs(argv: string[]): string | undefined {
  const index = argv.indexOf('--data-dir');
  if (index >= 0) return argv[index + 1];
  return argv.find((arg) => arg.startsWith('--data-dir='))?.slice('--data-dir='.length);
}

async function createWindow(): Promise<void> {
  const dataDir = path.resolve(dataDirFromArgs(process.argv) ?? path.join(app.getPath('userData'), 'data'));
  server = await startServer({ dataDir, port: 0, rendererDir: path.join(__dirname, '../renderer') });
  const origin = new URL(server.url).origin;
  lockDownSession(session.defaultSession, origin);
  registerIpc({ userDataDir: app.getPath('userData'), dataDir, appOrigin: origin });

  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 800,
    minHeight: 600,
    title: 'Frontdesk',
    backgroundColor: '#0f2a44',
    show: false,
    webPreferences: secureWebPreferences(path.join(__dirname, '../preload/index.js')),
  });
  lockDownNavigation(window.webContents, origin);
  window.once('ready-to-show', () => window.show());
  await window.loadURL(`${origin}/`);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    const [window] = BrowserWindow.getAllWindows();
    if (window) {
      if (window.isMinimized()) window.restore();
      window.focus();
    }
  });
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
  app.on('window-all-closed', () => app.quit());
  app.on('will-quit', () => {
    void server?.close();
  });
  app
    .whenReady()
    .then(createWindow)
    .catch((error: unknown) => {
      console.error('Frontdesk could not start:', error);
      app.exit(1);
    });
}
