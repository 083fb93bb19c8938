/**
 * Issue 7 §4: every hostile request, on every route of the served OpenAPI document, gets a
 * coded 4xx in the one error shape, never a 5xx, never hangs, and changes no collection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient, type Db } from 'mongodb';
import { startService, type TestService } from '../support/harness.js';
import { buildCorpus, type HostileRequest, type OpenApiDoc } from './hostile-corpus.js';
import { assertErrorShape } from './error-shape.js';

const BOUND_MS = 30_000;

let svc: TestService;
let client: MongoClient;
let db: Db;

beforeAll(async () => {
  svc = await startService('hostile', { background: false });
  await svc.container.publishDirectory('processes');
  client = new MongoClient(svc.env.MONGODB_URL as string);
  await client.connect();
  db = client.db();
}, 120_000);

afterAll(async () => {
  await client?.close();
  await svc?.destroy();
});

/** Document count of every collection of the test database. */
async function counts(): Promise<Record<string, number>> {
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  const values = await Promise.all(names.map((name) => db.collection(name).countDocuments()));
  return Object.fromEntries(names.map((name, i) => [name, values[i] as number]));
}

async function bounded(request: HostileRequest) {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer in ${BOUND_MS} ms: ${request.name}`)), BOUND_MS);
  });
  try {
    return await Promise.race([svc.inject({ method: request.method, url: request.url, headers: request.headers, payload: request.body }), hang]);
  } finally {
    clearTimeout(timer);
  }
}

describe('hostile-request corpus over the served OpenAPI document', () => {
  it('answers every request with a coded 4xx (or a 2xx) that changes nothing, and no 5xx', async () => {
    const doc = JSON.parse((await svc.inject({ method: 'GET', url: '/openapi.json' })).body) as OpenApiDoc;
    const procedures = JSON.parse((await svc.inject({ method: 'GET', url: '/v1/procedures' })).body) as { key: string }[] | { items: { key: string }[] };
    const list = Array.isArray(procedures) ? procedures : procedures.items;
    const units = JSON.parse((await svc.inject({ method: 'GET', url: '/v1/units' })).body) as { id: string }[] | { items: { id: string }[] };
    const unitList = Array.isArray(units) ? units : units.items;
    const corpus = buildCorpus(doc, { procedureKey: list[0]?.key ?? 'probe', unitId: unitList[0]?.id ?? 'probe' }, svc.config.bodyLimitBytes);
    const routes = Object.values(doc.paths).reduce((n, ops) => n + Object.keys(ops).length, 0);
    expect(routes).toBeGreaterThan(30);
    expect(corpus.length).toBeGreaterThanOrEqual(300);

    const tally = { total: corpus.length, '2xx': 0, '4xx': 0, '5xx': 0, other: 0 };
    const codes: Record<string, number> = {};
    const failures: string[] = [];
    let before = await counts();
    for (const request of corpus) {
      const res = await bounded(request);
      const status = res.statusCode;
      if (status >= 500) {
        tally['5xx'] += 1;
        failures.push(`${status} ${request.name}: ${res.body.slice(0, 200)}`);
        before = await counts();
        continue;
      }
      if (status >= 200 && status < 300) {
        tally['2xx'] += 1;
        if (request.kind === 'control') failures.push(`accepted control characters: ${request.name} → ${status}`);
        before = await counts();
        continue;
      }
      if (status < 400) {
        tally.other += 1;
        failures.push(`${status} ${request.name}`);
        continue;
      }
      tally['4xx'] += 1;
      const problem = assertErrorShape(res, request.url);
      if (problem) failures.push(`${request.name}: ${problem}`);
      else {
        const code = (JSON.parse(res.body) as { error: { code: string } }).error.code;
        codes[`${status} ${code}`] = (codes[`${status} ${code}`] ?? 0) + 1;
      }
      const after = await counts();
      if (JSON.stringify(after) !== JSON.stringify(before)) {
        failures.push(`${request.name}: ${status} but collections changed ${JSON.stringify(before)} → ${JSON.stringify(after)}`);
        before = after;
      }
    }
    // Printed so the issue can quote the figures.
    console.info(`hostile corpus: ${JSON.stringify(tally)}`);
    console.info(`hostile corpus codes: ${JSON.stringify(codes)}`);
    expect(failures).toEqual([]);
    expect(tally['5xx']).toBe(0);
    expect(tally['4xx']).toBeGreaterThanOrEqual(300);
  }, 600_000);
});
