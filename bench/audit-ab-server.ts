import { startServer } from '../src/server/server';

/**
 * The A/B of "what does auditing cost full-photo serving": the same server, from the same
 * source, once as it runs and once with the full-photo view's recording replaced by
 * nothing. Only the bench starts the second kind; the product has no switch for it.
 */
async function main(): Promise<void> {
  const [dataDir, mode] = process.argv.slice(2);
  if (!dataDir || (mode !== 'audited' && mode !== 'unaudited')) throw new Error('usage: DATA_DIR audited|unaudited');
  const server = await startServer({ dataDir, port: 0 });
  if (mode === 'unaudited') server.context.audit.recordSoon = () => undefined;
  console.log(`Frontdesk listening on ${server.url}`);
  process.once('SIGTERM', () => void server.close().then(() => process.exit(0)));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
