export interface LaunchOptions {
  kiosk: boolean;
  dataDir: string | undefined;
}

/** `--kiosk`, `--data-dir DIR` and `--data-dir=DIR`, among whatever else Electron passes. */
export function parseLaunchArgs(argv: readonly string[]): LaunchOptions {
  const index = argv.indexOf('--data-dir');
  const inline = argv.find((arg) => arg.startsWith('--data-dir='));
  return {
    kiosk: argv.includes('--kiosk'),
    dataDir: index >= 0 ? argv[index + 1] : inline?.slice('--data-dir='.length),
  };
}
