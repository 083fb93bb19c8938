/**
 * Regenerates src/client/schema.ts from the served /openapi.json: of TTHC_URL when set,
 * else of a service started here on the local stack (`npm run gen:client` brings it up).
 */
import { writeFileSync } from 'node:fs';
import { clientTypes } from '../src/client/generate.js';
import { startService } from '../tests/support/harness.js';

async function servedDocument(): Promise<Record<string, unknown>> {
  if (process.env.TTHC_URL) {
    const res = await fetch(new URL('/openapi.json', process.env.TTHC_URL));
    if (!res.ok) throw new Error(`GET /openapi.json answered ${res.status}`);
    return (await res.json()) as Record<string, unknown>;
  }
  const service = await startService('gen_client', { background: false });
  try {
    return (await service.inject({ method: 'GET', url: '/openapi.json' })).json<Record<string, unknown>>();
  } finally {
    await service.destroy();
  }
}

writeFileSync(new URL('../src/client/schema.ts', import.meta.url), await clientTypes(await servedDocument()));
console.log('src/client/schema.ts written');
