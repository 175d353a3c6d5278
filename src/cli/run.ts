import { CommanderError } from 'commander';
import path from 'node:path';
import { ApiError } from '../server/api-error';
import { buildCli } from './main';

// Built next to the Electron main process (out/main/cli.js, which loads this module
// from out/main/chunks); the renderer sits in out/renderer.
const rendererDir = path.join(path.dirname(require.main!.filename), '../renderer');

buildCli(rendererDir)
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    if (error instanceof CommanderError) process.exit(error.exitCode === 0 ? 0 : 2);
    console.error(`frontdesk: ${error instanceof ApiError || error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  });
