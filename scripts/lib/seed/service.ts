/** An in-process service on a given database (no workers), as the seed and the console benchmark use it. */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { loadConfig, type Config } from '../../../src/config.js';
import { createContainer, type Container } from '../../../src/container.js';

export interface LocalService {
  container: Container;
  config: Config;
  adminKey: string;
  mongoUrl: string;
  /** Closes the service and removes its Redis keys (the database stays unless `dropDatabase`). */
  close(opts?: { dropDatabase?: boolean }): Promise<void>;
}

/** The URL with its database name replaced. */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export const databaseOf = (url: string): string => new URL(url).pathname.replace(/^\//, '') || 'test';

export async function openService(mongoUrl: string, redisUrl: string, processesDir: string, logLevel = 'warn'): Promise<LocalService> {
  const adminKey = `seed-admin-${randomBytes(24).toString('base64url')}`;
  const prefix = `seed_${randomBytes(6).toString('hex')}`;
  const config = loadConfig({
    MONGODB_URL: mongoUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: prefix,
    ADMIN_API_KEY: adminKey,
    LOG_LEVEL: logLevel,
    PROCESSES_DIR: processesDir,
    RATE_LIMIT_MAX: '100000000',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '0',
    PRESSURE_MAX_HEAP_USED_BYTES: '0',
  });
  const container = await createContainer(config);
  await container.app.ready();
  return {
    container,
    config,
    adminKey,
    mongoUrl,
    async close(opts = {}) {
      await container.close();
      const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
      const keys = await redis.keys(`${prefix}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      await redis.quit();
      if (opts.dropDatabase) {
        const client = new MongoClient(mongoUrl);
        await client.connect();
        await client.db().dropDatabase();
        await client.close();
      }
    },
  };
}
