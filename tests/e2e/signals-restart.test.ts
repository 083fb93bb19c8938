/**
 * A broadcast survives its worker: the service is closed between batches (one case per batch)
 * and another takes over from the place kept in the signal record; then the record's place is
 * lost outright (as if a crash came before it was saved) and the whole walk runs again.
 * Every waiting case takes the signal exactly once either way.
 */
import { Queue } from 'bullmq';
import { MongoClient } from 'mongodb';
import { afterAll, describe, expect, it } from 'vitest';
import { eventually, isolatedEnv, startService, type TestService } from '../support/harness.js';
import { createKey } from '../support/auth.js';
import { signalClient, type CaseBody, type SignalBody } from './signal-helpers.js';

describe('signal broadcast across a restart', () => {
  const env = { ...isolatedEnv('signals_restart'), SIGNAL_BATCH_SIZE: '1', SIGNAL_BATCHES_PER_RUN: '1' };
  let svc: TestService;
  const c = signalClient(() => svc);
  afterAll(async () => svc?.destroy());

  it('every waiting case exactly once, with the worker closed between batches and with the walk’s place lost', async () => {
    svc = await startService('signals_restart', { env });
    await c.setUp();
    const officer = await createKey(svc, 'desk-officer', ['xa-sig-a']);
    const waiting: CaseBody[] = [];
    for (let i = 0; i < 8; i++) waiting.push(await c.start('sig-wait', 'xa-sig-a'));

    const sent = await c.send({ name: 'doi-lich' }, officer);
    // As soon as the first batch is through, the service goes away (its worker finishes the batch it holds).
    await eventually(async () => {
      const s = c.json<SignalBody>(await c.call({ method: 'GET', url: `/v1/signals/${sent.id}` }));
      return s.delivered >= 1 ? s : undefined;
    }, 60_000, 20);
    await svc.close();
    svc = await startService('signals_restart', { env });
    const first = await c.done(sent.id, 120_000);
    expect(first.delivered).toBe(8);
    for (const k of waiting) expect(await c.received(k.id), k.id).toBe(1);

    // Lose the walk's place and its job, as if the process died before either was written.
    await svc.close();
    const client = new MongoClient(env.MONGODB_URL);
    await client.connect();
    await client
      .db()
      .collection('signals')
      .updateOne({ _id: sent.id } as never, { $set: { status: 'running', progress: { phase: 'starts', unit: 0, after: null }, finishedAt: null } });
    await client.close();
    const queue = new Queue('signals', { connection: { url: env.REDIS_URL }, prefix: env.REDIS_PREFIX });
    await queue.remove(`signal-${sent.id}`);
    await queue.close();
    // The next start finds the running broadcast without a job and walks it again from the start.
    svc = await startService('signals_restart', { env });
    const again = await c.done(sent.id, 120_000);
    expect(again.delivered).toBe(8);
    for (const k of waiting) {
      expect(await c.received(k.id), k.id).toBe(1);
      expect((await c.get(k.id)).tasks.map((t) => t.activityId)).toEqual(['afterSignal']);
    }
    const started = c.json<{ items: CaseBody[] }>(await c.call({ method: 'GET', url: '/v1/cases?procedureKey=sig-start' })).items;
    expect(started).toHaveLength(1);
  }, 300_000);
});
