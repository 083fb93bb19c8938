/** The organisation tree on the real stores: creation rules, descendants, dissolution, seeding, routes, scopes. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal.js';
import { DomainError } from '../../src/domain/errors.js';
import { parseUnitSeed, seedUnits, UnitSeedError } from '../../src/org/seed.js';
import { createUnitService, type UnitService } from '../../src/org/unit-service.js';
import { createUnitStore } from '../../src/org/unit-store.js';
import { createKey } from '../support/auth.js';
import { dropStores, isolatedEnv, startService, type TestService } from '../support/harness.js';

const codeOf = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof DomainError) return `${err.statusCode} ${err.code}`;
    throw err;
  }
};

describe('organisation units', () => {
  let svc: TestService;
  let units: UnitService;

  beforeAll(async () => {
    svc = await startService('units', { background: false });
    units = svc.container.units;
    // tinh ─┬─ so-xd ─── phong-qh
    //       ├─ xa-tan-phu
    //       └─ xa-phu-my
    await units.create({ id: 'tinh', code: '000.00.00.H88', name: 'UBND tỉnh', kind: 'province', parentId: null });
    await units.create({ id: 'so-xd', code: '000.00.10.H88', name: 'Sở Xây dựng', kind: 'department', parentId: 'tinh' });
    await units.create({ id: 'phong-qh', code: '000.10.10.H88', name: 'Phòng Quy hoạch', kind: 'other', parentId: 'so-xd' });
    await units.create({ id: 'xa-tan-phu', code: '000.00.21.H88', name: 'UBND xã Tân Phú', kind: 'commune', parentId: 'tinh' });
    await units.create({ id: 'xa-phu-my', code: '000.00.22.H88', name: 'UBND xã Phú Mỹ', kind: 'commune', parentId: 'tinh' });
  }, 60_000);
  afterAll(async () => {
    await svc?.destroy();
  });

  it('refuses duplicates, unknown parents and malformed ids or codes', async () => {
    const base = { name: 'x', kind: 'commune' as const, parentId: 'tinh' };
    expect(await codeOf(units.create({ ...base, id: 'xa-tan-phu', code: '000.00.99.H88' }))).toBe('409 UNIT_EXISTS');
    expect(await codeOf(units.create({ ...base, id: 'xa-moi', code: '000.00.21.H88' }))).toBe('409 UNIT_CODE_TAKEN');
    expect(await codeOf(units.create({ ...base, id: 'xa-moi', code: '000.00.98.H88', parentId: 'nowhere' }))).toBe('422 PARENT_UNIT_NOT_FOUND');
    expect(await codeOf(units.create({ ...base, id: 'Xa Moi', code: '000.00.98.H88' }))).toBe('422 INVALID_UNIT');
    expect(await codeOf(units.create({ ...base, id: 'xa-moi', code: '000-00' }))).toBe('422 INVALID_UNIT');
    expect(await codeOf(units.create({ ...base, id: 'xa-moi', code: '000.00.98.H88', kind: 'district' as never }))).toBe('422 INVALID_UNIT');
  });

  it('resolves a unit by id or agency code', async () => {
    expect((await units.resolve('000.00.21.H88')).id).toBe('xa-tan-phu');
    expect((await units.resolve('so-xd')).code).toBe('000.00.10.H88');
    expect(await codeOf(units.resolve('000.00.77.H88'))).toBe('404 UNIT_NOT_FOUND');
  });

  it('gives descendants, including the units themselves', async () => {
    expect([...(await units.descendantsOf(['tinh']))].sort()).toEqual(['phong-qh', 'so-xd', 'tinh', 'xa-phu-my', 'xa-tan-phu']);
    expect([...(await units.descendantsOf(['so-xd', 'xa-phu-my']))].sort()).toEqual(['phong-qh', 'so-xd', 'xa-phu-my']);
    expect([...(await units.descendantsOf([]))]).toEqual([]);
    // A unit created here is seen at once (the snapshot is dropped on writes).
    await units.create({ id: 'phong-cp', code: '000.11.10.H88', name: 'Phòng Cấp phép', kind: 'other', parentId: 'so-xd' });
    expect(await units.descendantsOf(['so-xd'])).toContain('phong-cp');
  });

  it('builds the tree and the flat list', async () => {
    const tree = await units.tree();
    const root = tree.find((n) => n.id === 'tinh');
    expect(root?.children.map((c) => c.id)).toEqual(['so-xd', 'xa-phu-my', 'xa-tan-phu']);
    expect(root?.children[0]?.children.map((c) => c.id)).toEqual(['phong-cp', 'phong-qh']);
    expect((await units.list()).map((u) => u.id)).toEqual(expect.arrayContaining(['tinh', 'so-xd', 'xa-tan-phu']));
  });

  it('dissolves a unit into active successors; the record stays', async () => {
    await units.create({ id: 'xa-cu', code: '000.00.30.H88', name: 'UBND xã Cũ', kind: 'commune', parentId: 'tinh' });
    expect(await codeOf(units.dissolve('xa-cu', []))).toBe('422 SUCCESSORS_REQUIRED');
    expect(await codeOf(units.dissolve('xa-cu', ['xa-cu']))).toBe('422 INVALID_SUCCESSOR');
    expect(await codeOf(units.dissolve('xa-cu', ['xa-tan-phu', 'nowhere']))).toBe('422 SUCCESSOR_NOT_FOUND');
    expect(await codeOf(units.dissolve('nowhere', ['xa-tan-phu']))).toBe('404 UNIT_NOT_FOUND');
    expect(await codeOf(units.dissolve('so-xd', ['xa-tan-phu']))).toBe('409 UNIT_HAS_ACTIVE_CHILDREN');

    const at = new Date('2025-07-01T00:00:00+07:00');
    const dissolved = await units.dissolve('xa-cu', ['xa-tan-phu', 'xa-tan-phu'], at, 'tester');
    expect(dissolved).toMatchObject({ id: 'xa-cu', code: '000.00.30.H88', dissolvedAt: at, successorIds: ['xa-tan-phu'] });
    expect((await units.get('xa-cu')).dissolvedAt).toEqual(at);
    expect(await codeOf(units.dissolve('xa-cu', ['xa-phu-my']))).toBe('409 UNIT_DISSOLVED');
    expect(await codeOf(units.rename('xa-cu', 'x'))).toBe('409 UNIT_DISSOLVED');
    expect(await codeOf(units.dissolve('xa-phu-my', ['xa-cu']))).toBe('422 SUCCESSOR_DISSOLVED');
    expect(await codeOf(units.create({ id: 'thon-1', code: '000.30.01.H88', name: 't', kind: 'other', parentId: 'xa-cu' }))).toBe(
      '422 PARENT_UNIT_DISSOLVED',
    );
    // Dissolved units stay in the tree (old dossiers keep their unit) and can be filtered out.
    expect(await units.descendantsOf(['tinh'])).toContain('xa-cu');
    expect((await units.list({ active: true })).map((u) => u.id)).not.toContain('xa-cu');
  });

  it('lets exactly one of concurrent dissolutions of a unit win', async () => {
    await units.create({ id: 'xa-dua', code: '000.00.31.H88', name: 'UBND xã Đua', kind: 'commune', parentId: 'tinh' });
    const successors = ['xa-tan-phu', 'xa-phu-my'];
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => codeOf(units.dissolve('xa-dua', [successors[i % 2] as string]))));
    expect(results.filter((r) => r === 'ok')).toHaveLength(1);
    expect(results.filter((r) => r === '409 UNIT_DISSOLVED')).toHaveLength(7);
    const winner = results.indexOf('ok');
    expect((await units.get('xa-dua')).successorIds).toEqual([successors[winner % 2]]);
  });

  it('serves the units over HTTP: list, tree, one by code, create, rename, dissolve', async () => {
    const flat = (await svc.inject({ method: 'GET', url: '/v1/units' })).json() as { items: { id: string; children?: unknown }[] };
    expect(flat.items.map((u) => u.id)).toContain('xa-cu');
    expect(flat.items[0]?.children).toBeUndefined();
    const active = (await svc.inject({ method: 'GET', url: '/v1/units?active=true' })).json() as { items: { id: string }[] };
    expect(active.items.map((u) => u.id)).not.toContain('xa-cu');
    const tree = (await svc.inject({ method: 'GET', url: '/v1/units?view=tree' })).json() as {
      items: { id: string; children: { id: string }[] }[];
    };
    expect(tree.items.find((u) => u.id === 'tinh')?.children.map((c) => c.id)).toContain('so-xd');
    const byCode = await svc.inject({ method: 'GET', url: '/v1/units/000.00.30.H88' });
    expect(byCode.json()).toMatchObject({ id: 'xa-cu', dissolvedAt: '2025-06-30T17:00:00.000Z', successorIds: ['xa-tan-phu'] });

    const bad = await svc.inject({ method: 'POST', url: '/v1/units', payload: { id: 'Bad Id', code: '1', name: 'x', kind: 'commune' } });
    expect(bad.statusCode).toBe(400);
    const created = await svc.inject({
      method: 'POST',
      url: '/v1/units',
      payload: { id: 'phuong-moi', code: '000.00.40.H88', name: 'UBND phường Mới', kind: 'commune', parentId: 'tinh' },
    });
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ id: 'phuong-moi', parentId: 'tinh', dissolvedAt: null, successorIds: [] });
    const renamed = await svc.inject({ method: 'PATCH', url: '/v1/units/phuong-moi', payload: { name: 'UBND phường Mới (đổi tên)' } });
    expect(renamed.json()).toMatchObject({ name: 'UBND phường Mới (đổi tên)', code: '000.00.40.H88' });
    const gone = await svc.inject({ method: 'POST', url: '/v1/units/phuong-moi/dissolve', payload: { successorIds: ['xa-phu-my'] } });
    expect(gone.statusCode).toBe(200);
    expect(gone.json()).toMatchObject({ successorIds: ['xa-phu-my'] });
    expect(gone.json().dissolvedAt).toEqual(expect.any(String));
    const twice = await svc.inject({ method: 'POST', url: '/v1/units/phuong-moi/dissolve', payload: { successorIds: ['xa-phu-my'] } });
    expect([twice.statusCode, twice.json().error.code]).toEqual([409, 'UNIT_DISSOLVED']);
    const empty = await svc.inject({ method: 'POST', url: '/v1/units/xa-phu-my/dissolve', payload: { successorIds: [] } });
    expect(empty.statusCode).toBe(400);
  });

  it('lets every role read units and only admins change them', async () => {
    const desk = await createKey(svc, 'desk-officer', ['xa-tan-phu']);
    expect((await desk.inject({ method: 'GET', url: '/v1/units/tinh' })).statusCode).toBe(200);
    const denied = await desk.inject({ method: 'PATCH', url: '/v1/units/tinh', payload: { name: 'x' } });
    expect([denied.statusCode, denied.json().error.code]).toEqual([403, 'FORBIDDEN']);
  });

  it('scopes principals by role over the real tree', async () => {
    const p = (role: Principal['role'], unitIds: string[]): Principal => ({ id: 'p', name: 'p', role, unitIds, kind: 'api-key' });
    expect(await svc.container.scopeOf(p('integration', ['xa-tan-phu']))).toEqual({ all: true });
    expect(await svc.container.scopeOf(p('leader', ['so-xd']))).toEqual({ all: false, unitIds: ['phong-cp', 'phong-qh', 'so-xd'] });
    expect(await svc.container.scopeOf(p('specialist', ['so-xd']))).toEqual({ all: false, unitIds: ['so-xd'] });
    const province = await svc.container.scopeOf(p('supervisor', ['tinh']));
    expect(province.all === false && province.unitIds).toEqual(expect.arrayContaining(['tinh', 'so-xd', 'xa-cu', 'xa-tan-phu']));
  });
});

describe('seeding units from a JSON file', () => {
  const env = isolatedEnv('unitseed');
  let client: MongoClient;
  let dir: string;
  const file = () => path.join(dir, 'units.json');
  const seedFile = {
    units: [
      // children listed before their parents on purpose
      { id: 'xa-a', code: '000.00.21.H77', name: 'UBND xã A', kind: 'commune', parentId: 'tinh-b' },
      { id: 'so-b', code: '000.00.01.H77', name: 'Sở B', kind: 'department', parentId: 'tinh-b' },
      { id: 'tinh-b', code: '000.00.00.H77', name: 'UBND tỉnh B', kind: 'province', parentId: null },
      { id: 'phong-b1', code: '000.01.01.H77', name: 'Phòng B1', kind: 'other', parentId: 'so-b' },
    ],
  };
  const service = () => createUnitService(createUnitStore(client.db()));

  beforeAll(async () => {
    client = new MongoClient(env.MONGODB_URL);
    await client.connect();
    await service().ensureIndexes();
    dir = await mkdtemp(path.join(tmpdir(), 'units-seed-'));
  });
  afterAll(async () => {
    await client?.close();
    await dropStores(env);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('orders parents first and refuses a broken file', () => {
    expect(parseUnitSeed(JSON.stringify(seedFile)).map((u) => u.id)).toEqual(['tinh-b', 'xa-a', 'so-b', 'phong-b1']);
    const broken = (units: unknown[]) => () => parseUnitSeed(JSON.stringify({ units }));
    expect(broken([{ ...seedFile.units[2], parentId: 'nowhere' }])).toThrow(/not in the file/);
    expect(broken([seedFile.units[2], seedFile.units[2]])).toThrow(UnitSeedError);
    expect(broken([{ ...seedFile.units[2], code: 'bad code' }])).toThrow(/units\[0\]/);
    expect(
      broken([
        { id: 'a', code: 'A', name: 'a', kind: 'other', parentId: 'b' },
        { id: 'b', code: 'B', name: 'b', kind: 'other', parentId: 'a' },
      ]),
    ).toThrow(/cycle/);
    expect(() => parseUnitSeed('{"units": 3}')).toThrow(/expected/);
  });

  it('does nothing without a file', async () => {
    expect(await seedUnits(service(), path.join(dir, 'missing.json'))).toEqual({ created: 0, skipped: 'no-file' });
  });

  it('seeds an empty collection once, even when replicas seed at the same time', async () => {
    await writeFile(file(), JSON.stringify(seedFile));
    const results = await Promise.all([seedUnits(service(), file()), seedUnits(service(), file()), seedUnits(service(), file())]);
    expect(results.reduce((n, r) => n + r.created, 0)).toBe(4);
    const units = await service().list();
    expect(units.map((u) => u.id)).toEqual(['phong-b1', 'so-b', 'tinh-b', 'xa-a']);
    expect([...(await service().descendantsOf(['tinh-b']))].sort()).toEqual(['phong-b1', 'so-b', 'tinh-b', 'xa-a']);
    expect(await seedUnits(service(), file())).toEqual({ created: 0, skipped: 'not-empty' });
  });
});
