/** What the signal test files share: the units, the diagrams, calls over HTTP. */
import { readFileSync } from 'node:fs';
import type { InjectOptions } from 'fastify';
import { expect } from 'vitest';
import { eventually, type TestService } from '../support/harness.js';
import type { TestKey } from '../support/auth.js';

const fixture = (name: string) => readFileSync(`tests/fixtures/messaging/${name}`, 'utf8');

export interface CaseBody {
  id: string;
  status: string;
  revision: number;
  unitId: string | null;
  data: Record<string, unknown>;
  tasks: { id: string; activityId: string }[];
  waitingFor: { kind: string; signal?: string }[];
}
export interface SignalBody {
  id: string;
  status: 'running' | 'done';
  delivered: number;
  started: number;
}

export const signalUnits = [
  { id: 'tinh-sig', code: '000.00.00.H96', name: 'UBND tỉnh thử tín hiệu', kind: 'province', parentId: null },
  { id: 'xa-sig-a', code: '000.00.31.H96', name: 'UBND xã A', kind: 'commune', parentId: 'tinh-sig' },
  { id: 'xa-sig-b', code: '000.00.32.H96', name: 'UBND xã B', kind: 'commune', parentId: 'tinh-sig' },
];

/** The helpers both signal test files use, on one service. */
export function signalClient(svc: () => TestService) {
  const json = <T>(res: { body: string }) => JSON.parse(res.body) as T;
  const call = (opts: InjectOptions, key?: TestKey) => (key ? key.inject(opts) : svc().inject(opts));
  return {
    json,
    call,
    async setUp() {
      for (const unit of signalUnits) {
        const res = await call({ method: 'POST', url: '/v1/units', payload: unit });
        expect(res.statusCode, res.body).toBe(201);
      }
      for (const file of ['sig-wait.bpmn', 'sig-start.bpmn', 'sig-throw.bpmn']) {
        const res = await call({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: fixture(file) });
        expect(res.statusCode, `${file}: ${res.body}`).toBe(201);
      }
    },
    async start(procedureKey: string, unitId: string, data: Record<string, unknown> = {}) {
      const res = await call({ method: 'POST', url: '/v1/cases', payload: { procedureKey, unitId, data } });
      expect(res.statusCode, res.body).toBe(201);
      return json<CaseBody>(res);
    },
    get: async (id: string) => json<CaseBody>(await call({ method: 'GET', url: `/v1/cases/${id}` })),
    received: async (id: string) =>
      json<{ items: { type: string }[] }>(await call({ method: 'GET', url: `/v1/cases/${id}/history` })).items.filter((h) => h.type === 'signal.received').length,
    async send(payload: Record<string, unknown>, key?: TestKey) {
      const res = await call({ method: 'POST', url: '/v1/signals', payload }, key);
      expect(res.statusCode, res.body).toBe(202);
      return json<SignalBody>(res);
    },
    async done(id: string, timeoutMs = 60_000) {
      return eventually(async () => {
        const s = json<SignalBody>(await call({ method: 'GET', url: `/v1/signals/${id}` }));
        return s.status === 'done' ? s : undefined;
      }, timeoutMs, 100);
    },
  };
}
