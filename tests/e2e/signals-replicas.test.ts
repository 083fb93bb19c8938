/**
 * Two service processes on one database and one Redis: a broadcast sent to one replica is
 * walked by whichever worker takes its job, and a message retried on the other replica with
 * the same Idempotency-Key is the same delivery. Each case takes each signal or message once.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { isolatedEnv, startService, type TestService } from '../support/harness.js';
import { createKey } from '../support/auth.js';
import { signalClient, type CaseBody } from './signal-helpers.js';

describe('signals and messages with two replicas', () => {
  const env = { ...isolatedEnv('signals_replicas'), SIGNAL_BATCH_SIZE: '2', SIGNAL_BATCHES_PER_RUN: '1' };
  let a: TestService;
  let b: TestService;
  const onA = signalClient(() => a);
  const onB = signalClient(() => b);
  afterAll(async () => {
    await b?.close();
    await a?.destroy();
  });

  it('every waiting case once, whichever replica walks the broadcast; a retried message on the other replica is one delivery', async () => {
    a = await startService('signals_replicas', { env });
    b = await startService('signals_replicas', { env });
    await onA.setUp();
    const officer = await createKey(a, 'desk-officer', ['xa-sig-a']);
    const waiting: CaseBody[] = [];
    for (let i = 0; i < 6; i++) waiting.push(await (i % 2 ? onA : onB).start('sig-wait', 'xa-sig-a'));
    const sent = await onA.send({ name: 'doi-lich' }, officer);
    const done = await onB.done(sent.id, 120_000);
    expect(done.delivered).toBe(6);
    for (const k of waiting) expect(await onB.received(k.id), k.id).toBe(1);

    // The same message, with one Idempotency-Key, to both replicas at once: one delivery.
    const published = await onA.call({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: readFileSync('tests/fixtures/messaging/corr-c7.bpmn', 'utf8') });
    expect(published.statusCode, published.body).toBe(201);
    const started = await onA.call({ method: 'POST', url: '/v1/cases', payload: { procedureKey: 'corr-c7', unitId: 'xa-sig-a', data: {}, businessKey: 'BK-REPLICAS' } });
    expect(started.statusCode, started.body).toBe(201);
    const caseId = onA.json<CaseBody>(started).id;
    const headers = { 'idempotency-key': 'twice-on-two-replicas' };
    const payload = { name: 'bo-sung', correlationKey: 'BK-REPLICAS', data: { n: 1 } };
    const answers = await Promise.all([
      a.inject({ method: 'POST', url: '/v1/messages', headers, payload }),
      b.inject({ method: 'POST', url: '/v1/messages', headers, payload }),
    ]);
    for (const res of answers) {
      expect(res.statusCode, res.body).toBe(200);
      expect(onA.json<{ case: CaseBody }>(res).case.id).toBe(caseId);
    }
    const history = onA.json<{ items: { type: string }[] }>(await onA.call({ method: 'GET', url: `/v1/cases/${caseId}/history` })).items;
    expect(history.filter((h) => h.type === 'message.received')).toHaveLength(1);
  }, 300_000);
});
