/** Test helpers for access control: issue keys per role, create units, call as a key. */
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import type { Role } from '../../src/auth/permissions.js';
import type { UnitKind } from '../../src/org/types.js';
import type { TestService } from './harness.js';

export interface TestKey {
  id: string;
  /** The full bearer token (`bpk_<id>_<secret>`). */
  key: string;
  role: Role;
  unitIds: string[];
  headers: { authorization: string };
  /** `app.inject` authenticated with this key. */
  inject(opts: InjectOptions): Promise<LightMyRequestResponse>;
}

/** Issues an API key through the API as the bootstrap admin; throws unless it gets 201. */
export async function createKey(svc: TestService, role: Role, unitIds: string[] = [], name = `test ${role}`): Promise<TestKey> {
  const res = await svc.inject({ method: 'POST', url: '/v1/api-keys', payload: { name, role, unitIds } });
  if (res.statusCode !== 201) throw new Error(`createKey(${role}, [${unitIds.join(', ')}]): ${res.statusCode} ${res.body}`);
  const body = JSON.parse(res.body) as { id: string; key: string };
  const headers = { authorization: `Bearer ${body.key}` };
  return {
    id: body.id,
    key: body.key,
    role,
    unitIds,
    headers,
    inject: (opts) => svc.inject({ ...opts, headers: { ...(opts.headers ?? {}), ...headers } }),
  };
}

export interface TestUnit {
  id: string;
  code: string;
  name?: string;
  kind?: UnitKind;
  parentId?: string | null;
}

/** Creates a unit through the API as the bootstrap admin; throws unless it gets 201. */
export async function createUnit(svc: TestService, unit: TestUnit): Promise<void> {
  const payload = { name: unit.id, kind: 'commune', parentId: null, ...unit };
  const res = await svc.inject({ method: 'POST', url: '/v1/units', payload });
  if (res.statusCode !== 201) throw new Error(`createUnit(${unit.id}): ${res.statusCode} ${res.body}`);
}

/** The unit tests give the plain cases they start (every case belongs to a unit). */
export const TEST_UNIT_ID = 'don-vi-thu-nghiem';
export const TEST_UNIT: TestUnit = { id: TEST_UNIT_ID, code: '000.00.99.T99', name: 'Đơn vị thử nghiệm', kind: 'commune', parentId: null };

/** Creates TEST_UNIT (idempotent: a 409 from an earlier call is fine). */
export async function createTestUnit(svc: TestService): Promise<string> {
  const res = await svc.inject({ method: 'POST', url: '/v1/units', payload: TEST_UNIT });
  if (res.statusCode !== 201 && res.statusCode !== 409) throw new Error(`createTestUnit: ${res.statusCode} ${res.body}`);
  return TEST_UNIT_ID;
}
