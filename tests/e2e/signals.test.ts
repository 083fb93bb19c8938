/**
 * Signals over HTTP with real FerretDB and Redis: POST /v1/signals reaches every waiting case
 * of the sender's units once and no other, starts the procedures with that signal start;
 * boundary signals (interrupting and not); a diagram's throw reaches the thrower's units.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startService, type TestService } from '../support/harness.js';
import { createKey, type TestKey } from '../support/auth.js';
import { signalClient, type CaseBody, type SignalBody } from './signal-helpers.js';

describe('signals (POST /v1/signals, signal events)', () => {
  let svc: TestService;
  let officerA: TestKey;
  const c = signalClient(() => svc);

  beforeAll(async () => {
    svc = await startService('signals');
    await c.setUp();
    officerA = await createKey(svc, 'desk-officer', ['xa-sig-a']);
  }, 60_000);
  afterAll(async () => svc?.destroy());

  it('reaches the three waiting cases of the sender’s unit once each, not the other unit’s, and starts the signal-start procedure', async () => {
    const inScope = [await c.start('sig-wait', 'xa-sig-a'), await c.start('sig-wait', 'xa-sig-a'), await c.start('sig-wait', 'xa-sig-a')];
    const outOfScope = await c.start('sig-wait', 'xa-sig-b');
    expect(inScope[0]!.waitingFor).toContainEqual(expect.objectContaining({ kind: 'signal', signal: 'doi-lich' }));

    const sent = await c.send({ name: 'doi-lich', data: { ngayMoi: '2026-12-10' } }, officerA);
    const finished = await c.done(sent.id);
    expect(finished).toMatchObject({ delivered: 3, started: 1 });
    for (const k of inScope) {
      const now = await c.get(k.id);
      expect(now.tasks.map((t) => t.activityId)).toEqual(['afterSignal']);
      expect(now.data.ngayMoi).toBe('2026-12-10');
      expect(await c.received(k.id)).toBe(1);
    }
    const untouched = await c.get(outOfScope.id);
    expect(untouched.waitingFor).toContainEqual(expect.objectContaining({ kind: 'signal', signal: 'doi-lich' }));
    expect(await c.received(outOfScope.id)).toBe(0);

    const started = c.json<{ items: CaseBody[] }>(await c.call({ method: 'GET', url: '/v1/cases?procedureKey=sig-start' })).items;
    expect(started).toHaveLength(1);
    expect(started[0]!.unitId).toBe('xa-sig-a');
    expect(started[0]!.tasks.map((t) => t.activityId)).toEqual(['fromSignal']);
    // Another unit's officer does not see the broadcast.
    const officerB = await createKey(svc, 'desk-officer', ['xa-sig-b']);
    expect((await officerB.inject({ method: 'GET', url: `/v1/signals/${sent.id}` })).statusCode).toBe(404);
  });

  it('boundary signals: a non-interrupting one opens a task beside the work, an interrupting one cancels the work', async () => {
    const k = await c.start('sig-wait', 'xa-sig-a', { mode: 'boundary' });
    expect(k.tasks.map((t) => t.activityId)).toEqual(['work']);
    await c.done((await c.send({ name: 'thong-bao' }, officerA)).id);
    expect((await c.get(k.id)).tasks.map((t) => t.activityId).sort()).toEqual(['noticed', 'work']);
    await c.done((await c.send({ name: 'huy-ho-so' }, officerA)).id);
    expect((await c.get(k.id)).tasks.map((t) => t.activityId).sort()).toEqual(['afterCancel', 'noticed']);
    expect(await c.received(k.id)).toBe(2);
  });

  it('a diagram’s throw (intermediate and end) reaches the waiting cases of the thrower’s unit, once, and not another unit’s', async () => {
    const waitingA = await c.start('sig-wait', 'xa-sig-a', { mode: 'thrown' });
    const waitingB = await c.start('sig-wait', 'xa-sig-b', { mode: 'thrown' });
    const thrower = await c.start('sig-throw', 'xa-sig-a');
    const res = await c.call({ method: 'POST', url: `/v1/tasks/${thrower.tasks[0]!.id}/complete`, payload: { data: {} } });
    expect(res.statusCode, res.body).toBe(200);
    const after = c.json<CaseBody>(res);
    expect(after.status).toBe('completed');
    // Both throws of that step: `<case>-<revision>-<n>`.
    for (const n of [0, 1]) await c.done(`${thrower.id}-${after.revision}-${n}`);
    expect((await c.get(waitingA.id)).tasks.map((t) => t.activityId)).toEqual(['afterSignal']);
    expect(await c.received(waitingA.id)).toBe(1);
    expect((await c.get(waitingB.id)).waitingFor).toContainEqual(expect.objectContaining({ signal: 'tb-chung' }));
  });

  it('Idempotency-Key: a retried broadcast is the same broadcast; bad input is a coded 4xx', async () => {
    const headers = { 'idempotency-key': 'sig-retry-1' };
    const first = await c.call({ method: 'POST', url: '/v1/signals', headers, payload: { name: 'khong-ai-cho' } }, officerA);
    const again = await c.call({ method: 'POST', url: '/v1/signals', headers, payload: { name: 'khong-ai-cho' } }, officerA);
    expect(first.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(c.json<SignalBody>(again).id).toBe(c.json<SignalBody>(first).id);
    const other = await c.call({ method: 'POST', url: '/v1/signals', headers, payload: { name: 'khac' } }, officerA);
    expect(other.statusCode).toBe(422);
    for (const payload of [{}, { name: '' }, { name: 'x', data: [] }, { name: 'x', unknown: true }]) {
      const bad = await c.call({ method: 'POST', url: '/v1/signals', payload }, officerA);
      expect(bad.statusCode, JSON.stringify(payload)).toBe(400);
    }
    const outOfScope = await c.call({ method: 'POST', url: '/v1/signals', payload: { name: 'x', unitId: 'xa-sig-b' } }, officerA);
    expect(outOfScope.statusCode).toBe(403);
    // An unscoped key with no unit of its own may broadcast, but not start cases without naming a unit.
    const noUnit = await c.call({ method: 'POST', url: '/v1/signals', payload: { name: 'doi-lich' } });
    expect(noUnit.statusCode).toBe(422);
  });
});
