import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface ChildService {
  url: string;
  process: ChildProcess;
  output: () => string;
  kill(signal?: NodeJS.Signals): Promise<void>;
}

/** ADMIN_API_KEY of each spawned service, by URL: `call` authenticates with it. */
const adminKeys = new Map<string, string>();

/** Runs the real server entry point as a separate process, the way operators do. */
export async function spawnService(env: Record<string, string>, port?: number): Promise<ChildService> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, ...env, PORT: String(chosen), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
  const url = `http://127.0.0.1:${chosen}`;
  const deadline = Date.now() + 150_000; // tsx compiles at start: slow on a busy 2-core machine
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}: ${log}`);
    try {
      const res = await fetch(`${url}/health/ready`);
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`service did not become ready: ${log}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const adminKey = env.ADMIN_API_KEY ?? process.env.ADMIN_API_KEY;
  if (adminKey) adminKeys.set(url, adminKey);
  return {
    url,
    process: child,
    output: () => log,
    kill(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill(signal);
      });
    },
  };
}

/**
 * One HTTP request to a spawned service, authenticated as its bootstrap admin (the
 * ADMIN_API_KEY it was spawned with) unless `headers` carries its own authorization.
 */
export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<{ status: number; body: T }> {
  const adminKey = adminKeys.get(base);
  const headers =
    adminKey && !Object.keys(extraHeaders).some((h) => h.toLowerCase() === 'authorization')
      ? { authorization: `Bearer ${adminKey}`, ...extraHeaders }
      : extraHeaders;
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}
