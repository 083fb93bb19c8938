/**
 * Unit isolation as a matrix built from the route table itself: every registered route ×
 * the caller's position towards unit A (own, sibling, parent, child, no unit) with the role
 * that may call it. A route without a row in ./unit-route-rules.ts fails the suite. Denied
 * calls answer 404 (an object of A reads as absent) or 403 OUT_OF_SCOPE (naming A) and change
 * nothing; allowed calls get past the scope check (whatever the lifecycle then says).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { can, type Permission, type Role } from '../../src/auth/permissions.js';
import { registeredRoutes, type RegisteredRoute } from '../../src/http/openapi-contract.js';
import { createKey, createUnit, type TestKey } from '../support/auth.js';
import { startService, type TestService } from '../support/harness.js';
import { ROUTE_RULES, type RuleContext } from './unit-route-rules.js';

const CASE_XML = `<?xml version="1.0" encoding="UTF-8"?>
<definitions id="matrix_defs" xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" targetNamespace="http://example.org/bpmn">
  <process id="matrix-case" name="Matrix case" isExecutable="true">
    <startEvent id="start"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="work"/>
    <userTask id="work" name="Work"/>
    <sequenceFlow id="f2" sourceRef="work" targetRef="end"/>
    <endEvent id="end"/>
  </process>
</definitions>`;

const UNITS = {
  parent: { id: 'tinh-ma-tran', code: '000.00.00.M01', kind: 'province' as const, parentId: null },
  own: { id: 'xa-ma-tran-a', code: '000.00.31.M01', kind: 'commune' as const, parentId: 'tinh-ma-tran' },
  sibling: { id: 'xa-ma-tran-b', code: '000.00.32.M01', kind: 'commune' as const, parentId: 'tinh-ma-tran' },
  child: { id: 'to-ma-tran-a', code: '000.00.33.M01', kind: 'other' as const, parentId: 'xa-ma-tran-a' },
};
type Position = keyof typeof UNITS | 'admin';
const SCOPED_ROLES: Role[] = ['leader', 'desk-officer'];
/** Who sees unit A, computed here from the rules of docs/access-control.md, not from the code. */
const allowed = (position: Position, role: Role): boolean =>
  position === 'own' || position === 'admin' || (position === 'parent' && (role === 'leader' || role === 'supervisor'));

describe('unit isolation on every route', () => {
  let svc: TestService;
  const keys = new Map<string, TestKey>();
  const ctx: RuleContext = { unit: UNITS.own.id, childUnit: UNITS.child.id };
  let routes: RegisteredRoute[];
  let target: { case: string; task: string; dossier: string };


  beforeAll(async () => {
    svc = await startService('isolation_matrix', { background: false });
    for (const unit of Object.values(UNITS)) await createUnit(svc, unit);
    for (const [position, unit] of Object.entries(UNITS)) {
      for (const role of SCOPED_ROLES) keys.set(`${position}/${role}`, await createKey(svc, role, [unit.id], `${role} ${position}`));
    }
    const permit = readFileSync('tests/fixtures/dossiers/simple-permit.bpmn', 'utf8');
    const schema = JSON.parse(readFileSync('tests/fixtures/dossiers/simple-permit.schema.json', 'utf8')) as object;
    for (const payload of [{ xml: CASE_XML }, { xml: permit, schema }]) {
      const res = await svc.inject({ method: 'POST', url: '/v1/procedures', payload });
      expect(res.statusCode, res.body).toBe(201);
    }
    routes = registeredRoutes(svc.container.app);
  }, 120_000);
  afterAll(async () => {
    await svc?.destroy();
  });

  /** A fresh plain case (with an open task) and a fresh dossier of unit A for each route. */
  async function freshTargets() {
    const started = await svc.inject({ method: 'POST', url: '/v1/cases', payload: { procedureKey: 'matrix-case', unitId: UNITS.own.id, data: {} } });
    expect(started.statusCode, started.body).toBe(201);
    const c = started.json() as { id: string; tasks: { id: string }[] };
    const received = await svc.inject({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: 'simple-permit', applicant: { name: 'Ma Trận' }, data: { plot: '1', area: 10 }, channel: 'in-person', receivingUnitId: UNITS.own.id },
    });
    expect(received.statusCode, received.body).toBe(201);
    target = { case: c.id, task: c.tasks[0]!.id, dossier: (received.json() as { id: string }).id };
  }

  const revisionOf = async (id: string) => (await svc.container.cases.get(id)).revision;
  const stored = () => svc.container.app.inject({ method: 'GET', url: '/v1/cases?limit=1&total=true', headers: { authorization: `Bearer ${svc.env.ADMIN_API_KEY}` } });

  it('has a rule for every registered route', () => {
    const missing = routes.map((r) => `${r.method} ${r.path}`).filter((name) => !ROUTE_RULES[name]);
    expect(missing, 'add these routes to tests/auth/unit-route-rules.ts').toEqual([]);
    const stale = Object.keys(ROUTE_RULES).filter((name) => !routes.some((r) => `${r.method} ${r.path}` === name));
    expect(stale, 'rules for routes that no longer exist').toEqual([]);
  });

  it('allows and refuses each unit-bound route by the caller’s position towards the unit', async () => {
    const failures: string[] = [];
    let calls = 0;
    // Reassignment moves A's work away: it goes last.
    const bound = routes.filter((r) => ROUTE_RULES[`${r.method} ${r.path}`]?.binding !== 'none' && ROUTE_RULES[`${r.method} ${r.path}`]);
    bound.sort((a, b) => Number(a.path.includes('reassign')) - Number(b.path.includes('reassign')));
    for (const route of bound) {
      const name = `${route.method} ${route.path}`;
      const rule = ROUTE_RULES[name]!;
      if (rule.binding === 'none') continue;
      const permission = route.permission as Permission;
      const role = SCOPED_ROLES.find((r) => can(r, permission));
      if (!role) {
        failures.push(`${name}: unit-bound, but no scoped role holds ${permission}`);
        continue;
      }
      await freshTargets();
      const id = rule.binding === 'case' ? target.case : rule.binding === 'task' ? target.task : rule.binding === 'dossier' ? target.dossier : UNITS.own.id;
      const params: Record<string, string> = { id, ...(rule.params ?? {}) };
      const path = route.path.replace(/\{([^}]+)\}/g, (_m, p: string) => encodeURIComponent(params[p] ?? `no-such-${p}`));
      const query = new URLSearchParams({ ...(rule.binding === 'filter' ? { unitId: UNITS.own.id } : {}), ...(rule.query ?? {}) }).toString();
      const url = query ? `${path}?${query}` : path;
      const positions: Position[] = ['sibling', 'child', 'parent', 'own', 'admin'];
      positions.sort((a, b) => Number(allowed(a, role)) - Number(allowed(b, role))); // denied first
      for (const position of positions) {
        const headers = position === 'admin' ? {} : keys.get(`${position}/${role}`)!.headers;
        const objectId = rule.binding === 'task' ? target.case : rule.binding === 'case' || rule.binding === 'dossier' ? id : null;
        const before = objectId ? await revisionOf(objectId) : null;
        const countBefore = (await stored()).json() as { total: number };
        const res = await svc.inject({
          method: route.method as 'GET',
          url,
          headers,
          ...(rule.body ? { payload: rule.body(ctx) } : route.method === 'GET' || route.method === 'DELETE' ? {} : { payload: {} }),
        });
        calls += 1;
        const err = String(res.headers['content-type'] ?? '').includes('json') ? ((res.json() as { error?: { code?: string; details?: { id?: string } } }).error ?? null) : null;
        const absent = res.statusCode === 404 && err?.details?.id === id;
        const outOfScope = res.statusCode === 403 && err?.code === 'OUT_OF_SCOPE';
        const label = `${name} as ${role} of ${position} → ${res.statusCode} ${err?.code ?? ''}`;
        if (res.statusCode >= 500) failures.push(`${label}: server error`);
        if (allowed(position, role)) {
          if (absent || outOfScope || res.statusCode === 401 || (res.statusCode === 403 && err?.code !== 'OUT_OF_SCOPE')) failures.push(`${label}: should be allowed`);
          continue;
        }
        const expectedRefusal = ['case', 'dossier', 'task'].includes(rule.binding) ? absent : outOfScope;
        if (!expectedRefusal) failures.push(`${label}: should be refused with ${['case', 'dossier', 'task'].includes(rule.binding) ? '404' : '403 OUT_OF_SCOPE'}`);
        if (objectId && (await revisionOf(objectId)) !== before) failures.push(`${label}: the refused call changed the case`);
        if (((await stored()).json() as { total: number }).total !== countBefore.total) failures.push(`${label}: the refused call stored a case`);
      }
    }
    expect(failures).toEqual([]);
    expect(calls).toBeGreaterThan(100);
  }, 600_000);
});
