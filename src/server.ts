import { loadConfig, ConfigError } from './config.js';
import { createContainer } from './container.js';

/** Process entry point: configuration, wiring, listen, and a graceful stop on signals. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      process.exit(2);
    }
    throw err;
  }

  const container = await createContainer(config);
  const log = container.app.log;
  await container.publishDirectory(config.processesDir);
  if (config.role !== 'api') await container.startBackground();
  if (config.role !== 'worker') {
    await container.app.listen({ port: config.port, host: config.host });
  } else {
    await container.app.ready();
  }
  log.info({ role: config.role, port: config.port }, 'service started');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, 'stopping');
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    await container.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err: unknown) => {
  process.stderr.write(`start-up failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
