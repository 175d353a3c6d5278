import { app, BrowserWindow, Menu, screen, session } from 'electron';
import fs from 'node:fs';
import path from 'node:path';
import { keyringKeyWrap } from './secret-key-wrap';
import { startServer, type RunningServer } from '../server/server';
import { registerIpc } from './ipc';
import { boundsOnScreen, loginItemPlan, parseLaunchArgs } from './runtime';
import { loadWindowState, saveWindowState } from './window-state';
import { DESK_PARTITION } from './security-policy';
import { lockDownNavigation, lockDownSession, secureWebPreferences } from './window-security';

/**
 * The thin Electron layer: one window over the embedded server, which does all the
 * work and is the same code the headless `serve` command runs.
 */
let server: RunningServer | undefined;
let allowQuit = false;

// out/main, where the entry (index.js) is; this module is loaded from out/main/chunks.
const mainDir = path.dirname(require.main!.filename);
const launch = parseLaunchArgs(process.argv);
for (const problem of launch.problems) console.error(`Frontdesk: ${problem}; the argument is ignored.`);
// Before anything reads it (the single-instance lock among them): a test or a second desk
// on one machine keeps its session and window state apart.
if (launch.userDataDir) app.setPath('userData', launch.userDataDir);

/** A packaged kiosk starts again after a reboot, with the same flags, on every platform. */
function registerStartAtLogin(dataDir: string): void {
  const plan = loginItemPlan({
    platform: process.platform,
    packaged: app.isPackaged,
    kiosk: launch.kiosk,
    // An AppImage runs from a temporary mount: start the AppImage file itself.
    executable: process.env.APPIMAGE ?? process.execPath,
    dataDir: launch.dataDir ? dataDir : undefined,
    configHome: process.env.XDG_CONFIG_HOME ?? path.join(app.getPath('home'), '.config'),
  });
  if (plan.kind === 'xdg-autostart') {
    fs.mkdirSync(path.dirname(plan.file), { recursive: true });
    fs.writeFileSync(plan.file, plan.contents);
  } else if (plan.kind === 'login-item') {
    app.setLoginItemSettings({ openAtLogin: true, args: plan.args });
  }
}

async function createWindow(): Promise<void> {
  const userData = app.getPath('userData');
  const dataDir = path.resolve(launch.dataDir ?? path.join(userData, 'data'));
  const keyWrap = keyringKeyWrap();
  server = await startServer({
    dataDir,
    port: 0,
    rendererDir: path.join(mainDir, '../renderer'),
    ...(keyWrap ? { keyWrap } : {}),
  });
  const running = server;
  const origin = new URL(running.url).origin;
  lockDownSession(session.fromPartition(DESK_PARTITION), origin);
  registerIpc({
    deskContents: () => BrowserWindow.getAllWindows()[0]?.webContents,
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

  const stored = launch.kiosk ? null : loadWindowState(userData);
  const onScreen = boundsOnScreen(
    stored,
    screen.getAllDisplays().map((display) => display.workArea),
  );
  const saved = stored && onScreen ? stored : null;
  const window = new BrowserWindow({
    width: saved?.width ?? 1280,
    height: saved?.height ?? 800,
    ...(saved ? { x: saved.x, y: saved.y } : {}),
    minWidth: 800,
    minHeight: 600,
    title: 'Frontdesk',
    icon: path.join(mainDir, '../../resources/icon-256.png'),
    backgroundColor: '#0f2a44',
    show: false,
    kiosk: launch.kiosk,
    fullscreen: launch.kiosk,
    autoHideMenuBar: true,
    webPreferences: {
      ...secureWebPreferences(path.join(mainDir, '../preload/index.js')),
      // A packaged desk is not a place to inspect visitors' data from.
      devTools: !app.isPackaged,
    },
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
    registerStartAtLogin(dataDir);
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
  // The database is closed cleanly (WAL checkpointed) before the process ends.
  app.on('will-quit', (event) => {
    const running = server;
    if (!running) return;
    server = undefined;
    event.preventDefault();
    void running.close().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(createWindow)
    .catch((error: unknown) => {
      console.error('Frontdesk could not start:', error);
      app.exit(1);
    });
}
