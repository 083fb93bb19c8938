import { randomBytes, randomUUID } from 'node:crypto';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { Redis } from 'ioredis';
import { MongoClient } from 'mongodb';
import { loadConfig, type Config } from '../../src/config.js';
import { createContainer, type Container, type ContainerOptions } from '../../src/container.js';

export const baseMongoUrl = process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27117/bpmn?directConnection=true&retryWrites=false';
export const baseRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6390';

/** The variables every test environment has (and any others as strings). */
export type TestEnv = Record<string, string> & { MONGODB_URL: string; REDIS_URL: string; REDIS_PREFIX: string; ADMIN_API_KEY: string };

/** Each test file gets its own database and Redis prefix, so files can run in parallel. */
export function isolatedEnv(label: string): TestEnv {
  const id = `${label}_${randomUUID().slice(0, 8)}`.replace(/[^A-Za-z0-9_]/g, '_');
  const url = new URL(baseMongoUrl);
  url.pathname = `/t_${id}`;
  return {
    MONGODB_URL: url.toString(),
    REDIS_URL: baseRedisUrl,
    REDIS_PREFIX: `t_${id}`,
    PLUGINS_DIR: 'plugins,tests/fixtures/plugins',
    PROCESSES_DIR: 'processes',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    PLUGIN_ATTEMPTS: '3',
    PLUGIN_BACKOFF_MS: '50',
    LOCK_WAIT_MS: '5000',
    // A SIGKILLed holder frees its cases when the lease lapses: keep that short in tests.
    LOCK_LEASE_MS: '3000',
    // Many requests from one key on a busy shared machine: neither rate-limited nor shed
    // (tests/http/protection.test.ts turns both on).
    RATE_LIMIT_MAX: '1000000',
    PRESSURE_MAX_EVENT_LOOP_DELAY_MS: '0',
    PRESSURE_MAX_EVENT_LOOP_UTILIZATION: '0',
    PRESSURE_MAX_HEAP_USED_BYTES: '0',
    // Requests in tests authenticate as the bootstrap admin unless they say otherwise.
    ADMIN_API_KEY: `test-admin-${randomBytes(24).toString('base64url')}`,
  };
}

/** `Authorization: Bearer <key>`. */
export const bearer = (key: string): { authorization: string } => ({ authorization: `Bearer ${key}` });

export interface TestService {
  container: Container;
  config: Config;
  env: Record<string, string>;
  /** `app.inject` as the bootstrap admin (ADMIN_API_KEY), unless the request sets its own authorization header. */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
  /** Drops the database and Redis keys of this test file. */
  destroy(): Promise<void>;
}

export async function startService(
  label: string,
  options: ContainerOptions & { env?: Record<string, string>; background?: boolean } = {},
): Promise<TestService> {
  const env = options.env ?? isolatedEnv(label);
  const config = loadConfig({ ...env });
  const container = await createContainer(config, options);
  if (options.background !== false) await container.startBackground();
  await container.app.ready();
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await container.close();
  };
  const adminKey = env.ADMIN_API_KEY;
  return {
    container,
    config,
    env,
    inject(opts) {
      const headers = { ...(opts.headers ?? {}) };
      if (adminKey && !Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) headers.authorization = `Bearer ${adminKey}`;
      return container.app.inject({ ...opts, headers });
    },
    close,
    async destroy() {
      await close();
      await dropStores(env);
    },
  };
}

export async function dropStores(env: Record<string, string>): Promise<void> {
  const client = new MongoClient(env.MONGODB_URL as string);
  await client.connect();
  await client.db().dropDatabase();
  await client.close();
  const redis = new Redis(env.REDIS_URL as string);
  const keys = await redis.keys(`${env.REDIS_PREFIX}:*`);
  for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
  await redis.quit();
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 10_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
