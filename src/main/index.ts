import { app, BrowserWindow, Menu, session } from 'electron';
import path from 'node:path';
import { startServer, type RunningServer } from '../server/server';
import { registerIpc } from './ipc';
import { parseLaunchArgs } from './runtime';
import { loadWindowState, saveWindowState } from './window-state';
import { lockDownNavigation, lockDownSession, secureWebPreferences } from './window-security';

/**
 * The thin Electron layer: one window over the embedded server, which does all the
 * work and is the same code the headless `serve` command runs.
 */
let server: RunningServer | undefined;
let allowQuit = false;

async function createWindow(): Promise<void> {
  const launch = parseLaunchArgs(process.argv);
  const userData = app.getPath('userData');
  const dataDir = path.resolve(launch.dataDir ?? path.join(userData, 'data'));
  server = await startServer({
    dataDir,
    port: 0,
    rendererDir: path.join(__dirname, '../renderer'),
  });
  const running = server;
  const origin = new URL(running.url).origin;
  lockDownSession(session.defaultSession, origin);
  registerIpc({
    userDataDir: userData,
    dataDir,
    appOrigin: origin,
    kiosk: launch.kiosk,
    // Closing a kiosk takes a staff sign-in: a visitor at the desk cannot end it.
    quitWithCredentials: async (username, password) => {
      await running.context.auth.verifyCredentials({ username, password });
      allowQuit = true;
      app.quit();
    },
  });

  const saved = launch.kiosk ? null : loadWindowState(userData);
  const window = new BrowserWindow({
    width: saved?.width ?? 1280,
    height: saved?.height ?? 800,
    ...(saved ? { x: saved.x, y: saved.y } : {}),
    minWidth: 800,
    minHeight: 600,
    title: 'Frontdesk',
    icon: path.join(__dirname, '../../resources/icon-256.png'),
    backgroundColor: '#0f2a44',
    show: false,
    kiosk: launch.kiosk,
    fullscreen: launch.kiosk,
    autoHideMenuBar: true,
    webPreferences: secureWebPreferences(path.join(__dirname, '../preload/index.js')),
  });
  if (saved?.maximized) window.maximize();
  lockDownNavigation(window.webContents, origin);
  window.once('ready-to-show', () => window.show());
  window.on('close', (event) => {
    if (launch.kiosk && !allowQuit) {
      event.preventDefault();
      return;
    }
    if (!launch.kiosk) saveWindowState(userData, window.getNormalBounds(), window.isMaximized());
  });
  if (launch.kiosk) {
    Menu.setApplicationMenu(null);
    app.setLoginItemSettings({ openAtLogin: true, args: ['--kiosk'] });
  }
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
