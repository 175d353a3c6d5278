/**
 * Debian's Chromium, never a downloaded browser. The flags keep it from reaching for
 * the network at start-up (this machine has none) and let it run as root in CI.
 */
export const CHROMIUM_PATH = process.env.FRONTDESK_CHROMIUM ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
];
