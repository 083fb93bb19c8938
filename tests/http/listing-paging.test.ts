/**
 * Cursor paging of GET /v1/cases, /v1/tasks, /v1/dossiers and /v1/escalations (docs/api.md,
 * "Paging"): every item of a set larger than a page exactly once and in order, inserts between
 * pages neither repeated nor making earlier items skip, a cursor tied to its filter and to the
 * units of the key it was issued to, and a coded 400 for anything else.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeCursor } from '../../src/cases/paging.js';
import { createKey, createUnit, type TestKey } from '../support/auth.js';
import { startService, type TestService } from '../support/harness.js';

const CASE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions id="paging_defs" xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="http://example.org/bpmn">
  <process id="paged-case" isExecutable="true">
    <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <userTask id="work" name="Work"/><sequenceFlow id="f2" sourceRef="work" targetRef="end"/><endEvent id="end"/>
  </process>
</definitions>`;
const permit = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;

const PROVINCE = 'tinh-trang';
const A = 'xa-trang-a';
const B = 'xa-trang-b';

interface Listed {
  id: string;
  createdAt: string;
}
interface PageBody {
  items: Listed[];
  limit: number;
  nextCursor: string | null;
  total?: number;
  totalCapped?: boolean;
}
type Call = (url: string) => Promise<{ statusCode: number; body: string; json(): unknown }>;

describe('cursor paging of the listings', () => {
  let svc: TestService;
  let deskA: TestKey;
  let deskB: TestKey;
  let leader: TestKey;
  const startIn = async (unitId: string) => {
    const res = await svc.inject({ method: 'POST', url: '/v1/cases', payload: { procedureKey: 'paged-case', unitId, data: {} } });
    expect(res.statusCode, res.body).toBe(201);
    const started = res.json() as Listed & { tasks: { id: string }[] };
    (unitId === A ? inA : inB).push(started);
    return started;
  };
  const as = (key: TestKey): Call => (url) => key.inject({ method: 'GET', url });
  const page = async (call: Call, url: string): Promise<PageBody> => {
    const res = await call(url);
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json() as PageBody;
  };
  /** Every page of a listing; `between` runs after each page but the last. */
  const walk = async (call: Call, url: string, between: () => Promise<unknown> = async () => undefined) => {
    const seen: Listed[] = [];
    let cursor: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const body = await page(call, cursor ? `${url}&cursor=${encodeURIComponent(cursor)}` : url);
      seen.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) return seen;
      await between();
    }
    throw new Error(`${url}: more than 100 pages`);
  };
  const errorOf = (res: { json(): unknown }) => (res.json() as { error?: { code?: string; message?: string } }).error;

  const inA: Listed[] = [];
  const inB: Listed[] = [];

  beforeAll(async () => {
    svc = await startService('listing_paging', { background: false });
    await createUnit(svc, { id: PROVINCE, code: '000.00.00.P77', kind: 'province' });
    await createUnit(svc, { id: A, code: '000.00.31.P77', parentId: PROVINCE });
    await createUnit(svc, { id: B, code: '000.00.32.P77', parentId: PROVINCE });
    deskA = await createKey(svc, 'desk-officer', [A]);
    deskB = await createKey(svc, 'desk-officer', [B]);
    leader = await createKey(svc, 'leader', [PROVINCE]);
    for (const payload of [{ xml: CASE_XML }, { xml: permit, schema }]) expect((await svc.inject({ method: 'POST', url: '/v1/procedures', payload })).statusCode).toBe(201);
    // Interleaved, so a page of the leader's listing merges both units' queries.
    for (let i = 0; i < 7; i++) {
      await startIn(A);
      if (i < 5) await startIn(B);
    }
  }, 120_000);
  afterAll(async () => {
    await svc?.destroy();
  });

  const newestFirst = (xs: Listed[]) => [...xs].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1));

  it('pages the cases of several units newest first, each once, while new cases arrive between pages', async () => {
    const before = newestFirst([...inA, ...inB]).map((c) => c.id);
    const added: string[] = [];
    const seen = await walk(as(leader), '/v1/cases?procedureKey=paged-case&limit=3', async () => {
      added.push((await startIn(added.length % 2 ? A : B)).id);
    });
    // Newer than the first page: never in a later page, and nothing earlier is skipped or repeated.
    expect(seen.map((c) => c.id)).toEqual(before);
    expect(added.length).toBeGreaterThanOrEqual(3);
    const again = await walk(as(leader), '/v1/cases?procedureKey=paged-case&limit=5');
    expect(new Set(again.map((c) => c.id)).size).toBe(again.length);
    expect(again.map((c) => c.id)).toEqual(expect.arrayContaining([...before, ...added]));
  });

  it("keeps a desk's listing to its unit and answers total only when asked", async () => {
    const own = await walk(as(deskA), '/v1/cases?limit=2');
    expect(own.map((c) => c.id).sort()).toEqual(inA.map((c) => c.id).sort());
    const first = await page(as(deskA), '/v1/cases?limit=2');
    expect(first).not.toHaveProperty('total');
    const counted = await page(as(deskA), '/v1/cases?limit=2&total=true');
    expect([counted.total, counted.totalCapped]).toEqual([inA.length, false]);
  });

  it('pages the work list oldest first; tasks opened between pages come at the end, once', async () => {
    const opened: string[] = [];
    const seen = await walk(as(leader), '/v1/tasks?activityId=work&limit=4', async () => {
      if (opened.length < 2) opened.push((await startIn(A)).tasks[0]!.id);
    });
    const ids = seen.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    const sorted = [...seen].sort((a, b) => (a.createdAt === b.createdAt ? (a.id < b.id ? -1 : 1) : a.createdAt < b.createdAt ? -1 : 1));
    expect(ids).toEqual(sorted.map((t) => t.id));
    expect(ids.slice(-opened.length)).toEqual(opened);
  });

  it("refuses another unit's cursor, another filter's cursor and a forged one with 400 INVALID_CURSOR", async () => {
    const a = await page(as(deskA), '/v1/cases?limit=2');
    expect(a.nextCursor).toEqual(expect.any(String));
    const cursor = encodeURIComponent(a.nextCursor!);
    for (const [call, url] of [
      [as(deskB), `/v1/cases?limit=2&cursor=${cursor}`],
      [as(leader), `/v1/cases?limit=2&cursor=${cursor}`],
      [as(deskA), `/v1/cases?limit=2&status=completed&cursor=${cursor}`],
      [as(deskA), `/v1/tasks?limit=2&cursor=${cursor}`],
      [as(deskA), `/v1/cases?limit=2&cursor=not-a-cursor`],
      [as(deskA), `/v1/cases?limit=2&cursor=${Buffer.from('{"b":1}').toString('base64url')}`],
    ] as const) {
      const res = await call(url);
      expect([res.statusCode, errorOf(res)?.code], `${url}: ${res.body}`).toEqual([400, 'INVALID_CURSOR']);
      expect(errorOf(res)?.message).toEqual(expect.any(String));
    }
  });

  it("a cursor forged for another unit's filters gives nothing outside the caller's scope", async () => {
    // Forged by someone who knows the format: the binding of B's listing, with a position past everything.
    const forB = encodeCursor({ name: 'cases', filters: [{ unitIds: B }], sortField: 'createdAt', dir: -1 }, { k: '9999-12-31T00:00:00.000Z', i: 'z' });
    const refused = await deskA.inject({ method: 'GET', url: `/v1/cases?limit=50&cursor=${forB}` });
    expect([refused.statusCode, errorOf(refused)?.code]).toEqual([400, 'INVALID_CURSOR']);
    // Forged for A's own binding: the position moves, the units stay the key's own.
    const forA = encodeCursor({ name: 'cases', filters: [{ unitIds: A }], sortField: 'createdAt', dir: -1 }, { k: '9999-12-31T00:00:00.000Z', i: 'z' });
    const own = await page(as(deskA), `/v1/cases?limit=50&cursor=${forA}`);
    const mine = new Set(inA.map((c) => c.id));
    expect(own.items.length).toBeGreaterThan(0);
    for (const c of own.items) expect(mine.has(c.id), c.id).toBe(true);
  });

  it('pages dossiers by cursor and finds one by its code', async () => {
    const received: { id: string; code: string }[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await deskA.inject({
        method: 'POST',
        url: '/v1/dossiers',
        payload: { procedureKey: 'simple-permit', applicant: { name: `Trang ${i}` }, data: { plot: String(i), area: 10 }, channel: 'in-person', receivingUnitId: A },
      });
      expect(res.statusCode, res.body).toBe(201);
      received.push(res.json() as { id: string; code: string });
    }
    const seen = await walk(as(deskA), '/v1/dossiers?limit=2');
    expect(seen.map((d) => d.id)).toEqual(received.map((d) => d.id).reverse());
    expect(await walk(as(deskB), '/v1/dossiers?limit=2')).toEqual([]);
    const byCode = await page(as(deskA), `/v1/dossiers?code=${encodeURIComponent(received[1]!.code)}`);
    expect(byCode.items.map((d) => d.id)).toEqual([received[1]!.id]);
    const bad = await deskA.inject({ method: 'GET', url: '/v1/dossiers?cursor=xyz' });
    expect([bad.statusCode, errorOf(bad)?.code]).toEqual([400, 'INVALID_CURSOR']);
  });

  it('answers escalations in the paged shape and refuses a bad cursor', async () => {
    const empty = await page(as(leader), '/v1/escalations?limit=5');
    expect(empty).toEqual({ items: [], limit: 5, nextCursor: null });
    const bad = await leader.inject({ method: 'GET', url: '/v1/escalations?cursor=abc' });
    expect([bad.statusCode, errorOf(bad)?.code]).toEqual([400, 'INVALID_CURSOR']);
  });
});
