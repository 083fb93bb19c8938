import { Queue } from 'bullmq';
import type { Collection } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PORTAL_SYNC_QUEUE, type PortalOutboxDoc } from '../../src/integration/portal-outbox.js';
import { createPortalSync, type PortalSync, type PortalSyncOptions } from '../../src/integration/portal-sync.js';
import { eventually, isolatedStores, memoryLogger, orderViolations, recordsFor, startReceiver } from './support.js';

type Stores = Awaited<ReturnType<typeof isolatedStores>>;

/** Fast retries so an outage is ridden out in a few seconds. */
const FAST_RETRY = { attempts: 1_000, baseMs: 100, maxMs: 400 };

// Deadlines are generous: every wait polls for state, so a busy machine only makes it slower.
describe('portal sync delivery (FerretDB + Redis + a local HTTP receiver)', { timeout: 240_000 }, () => {
  let stores: Stores;
  let n = 0;
  const open: PortalSync[] = [];

  beforeAll(async () => {
    stores = await isolatedStores('portal_sync');
  });
  afterAll(async () => {
    await Promise.all(open.map((s) => s.close()));
    await stores.drop();
  });

  /** Each test gets its own collection and Redis prefix inside this file's stores. */
  async function fresh() {
    n += 1;
    return { outbox: await stores.outbox(`portal_outbox_${n}`), prefix: `${stores.prefix}:p${n}` };
  }

  function sync(over: Partial<PortalSyncOptions> & Pick<PortalSyncOptions, 'outbox' | 'prefix' | 'endpoint'>, log = memoryLogger()) {
    const s = createPortalSync({
      connection: stores.connection,
      redis: stores.redis,
      timeoutMs: 1_000,
      log,
      retry: FAST_RETRY,
      concurrency: 4,
      ...over,
    });
    open.push(s);
    return s;
  }

  async function close(s: PortalSync) {
    open.splice(open.indexOf(s), 1);
    await s.close();
  }

  /** The commit's part: insert the records, then ask for delivery (like the case store does). */
  async function commit(s: PortalSync, outbox: Collection<PortalOutboxDoc>, records: PortalOutboxDoc[]) {
    for (const r of records) {
      await outbox.insertOne(r);
      await s.enqueue(r._id);
    }
  }

  const allDelivered = (outbox: Collection<PortalOutboxDoc>, total: number) => async () =>
    (await outbox.countDocuments({ deliveredAt: { $ne: null } })) === total ? true : undefined;

  it('3 dossiers × 5 changes through an outage: each record accepted once, in seq order per dossier', async () => {
    // The outage is the first 8 requests, alternating 503 and a dropped connection: counted,
    // not timed, so a slow machine meets it just the same.
    const receiver = await startReceiver(({ n: i }) => (i < 8 ? (i % 2 ? 'refuse' : 'drop') : 'ok'));
    const { outbox, prefix } = await fresh();
    const s = sync({ outbox, prefix, endpoint: receiver.url });
    s.startWorker();
    const dossiers = ['d1', 'd2', 'd3'];
    const records = dossiers.flatMap((d) => recordsFor(d));
    // Interleave the dossiers' commits, as concurrent cases would.
    const byTurn = [0, 1, 2, 3, 4].flatMap((i) => dossiers.map((_, j) => records[j * 5 + i] as PortalOutboxDoc));
    await commit(s, outbox, byTurn);
    // Re-enqueueing is idempotent (the job id is the record's).
    await s.enqueue(records.map((r) => r._id));

    await eventually(allDelivered(outbox, 15), 90_000, 100);
    await receiver.close();

    expect(receiver.arrivals.some((a) => a.outcome === 'refused')).toBe(true);
    expect(receiver.arrivals.some((a) => a.outcome === 'dropped')).toBe(true);
    expect([...receiver.accepted.keys()].sort()).toEqual(records.map((r) => r._id).sort());
    for (const r of records) expect(receiver.accepted.get(r._id)).toBe(r.payloadJson);
    expect(orderViolations(receiver.arrivals)).toEqual([]);
    const docs = await outbox.find().toArray();
    expect(docs.every((d) => d.deliveredAt !== null && d.lastError === null && d.attempts >= 1)).toBe(true);
    // The records that met the outage remember trying more than once.
    expect(docs.some((d) => d.attempts > 1)).toBe(true);
    await close(s);
  });

  it('a restart in the middle (jobs still in Redis) loses nothing', async () => {
    // An outage of 4 requests, then 3 accepted, then 503 until the restart: the first process
    // stops with records surely still waiting, however fast or slow the machine is.
    let accepted = 0;
    let holding = true;
    const receiver = await startReceiver(({ n: i }) => {
      if (i < 4) return i % 2 ? 'refuse' : 'drop';
      if (holding && accepted >= 3) return 'refuse';
      accepted += 1;
      return 'ok';
    }, 40);
    const { outbox, prefix } = await fresh();
    const first = sync({ outbox, prefix, endpoint: receiver.url });
    first.startWorker();
    const records = ['r1', 'r2', 'r3'].flatMap((d) => recordsFor(d));
    await commit(first, outbox, records);
    // Stop once a few records went through and others are still waiting.
    await eventually(async () => ((await outbox.countDocuments({ deliveredAt: { $ne: null } })) >= 3 ? true : undefined), 90_000, 20);
    await close(first);
    const afterStop = await outbox.countDocuments({ deliveredAt: null });
    expect(afterStop).toBeGreaterThan(0);
    holding = false;

    // A new process: new queue and worker over the same Redis and MongoDB, no sweep needed.
    const second = sync({ outbox, prefix, endpoint: receiver.url });
    second.startWorker();
    await eventually(allDelivered(outbox, 15), 90_000, 100);
    await receiver.close();
    expect([...receiver.accepted.keys()].sort()).toEqual(records.map((r) => r._id).sort());
    expect(orderViolations(receiver.arrivals)).toEqual([]);
    await close(second);
  });

  it('Redis losing every job (restart without persistence): the sweep re-enqueues from the outbox', async () => {
    const receiver = await startReceiver(() => 'refuse');
    const { outbox, prefix } = await fresh();
    const first = sync({ outbox, prefix, endpoint: receiver.url });
    first.startWorker();
    const records = ['s1', 's2'].flatMap((d) => recordsFor(d));
    await commit(first, outbox, records);
    await eventually(async () => (receiver.arrivals.length >= 2 ? true : undefined), 60_000);
    await close(first);
    await stores.flushRedis();

    const healthy = await startReceiver(() => 'ok');
    const second = sync({ outbox, prefix, endpoint: healthy.url });
    second.startWorker();
    // Nothing in Redis: without the sweep nothing would move.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(healthy.arrivals).toHaveLength(0);
    // Not yet old enough for the default threshold…
    expect(await second.sweep()).toMatchObject({ pending: 0, enqueued: 0 });
    // …but older than 0 ms: one job per dossier is enough.
    expect(await second.sweep(0)).toEqual({ pending: 10, enqueued: 2, revived: 0 });
    // A second sweep finds the jobs alive and adds nothing.
    expect((await second.sweep(0)).enqueued).toBe(0);
    await eventually(allDelivered(outbox, 10), 90_000, 100);
    await Promise.all([receiver.close(), healthy.close()]);
    expect([...healthy.accepted.keys()].sort()).toEqual(records.map((r) => r._id).sort());
    expect(orderViolations(healthy.arrivals)).toEqual([]);
    await close(second);
  });

  it('a dossier that keeps failing blocks only itself, never skips ahead, and recovers via the sweep', async () => {
    let broken = true;
    const receiver = await startReceiver(({ dossierId }) => (dossierId === 'bad' && broken ? 'refuse' : 'ok'));
    const { outbox, prefix } = await fresh();
    const log = memoryLogger();
    // Two attempts only, so the jobs of 'bad' end up failed in BullMQ.
    const s = sync({ outbox, prefix, endpoint: receiver.url, retry: { attempts: 2, baseMs: 50, maxMs: 100 } }, log);
    s.startWorker();
    const good = ['g1', 'g2'].flatMap((d) => recordsFor(d));
    const bad = recordsFor('bad');
    await commit(s, outbox, [...bad, ...good]);

    await eventually(allDelivered(outbox, 10), 60_000, 100);
    // All five jobs of 'bad' give up (2 attempts each).
    const queue = new Queue(PORTAL_SYNC_QUEUE, { connection: stores.connection, prefix });
    await eventually(async () => ((await queue.getJobCounts('failed')).failed === 5 ? true : undefined), 60_000, 100);
    const badDocs = await outbox.find({ dossierId: 'bad' }).sort({ seq: 1 }).toArray();
    expect(badDocs.every((d) => d.deliveredAt === null)).toBe(true);
    expect(badDocs[0]?.attempts).toBeGreaterThanOrEqual(2);
    expect(badDocs[0]?.lastError).toMatch(/^HTTP 503/);
    // Only seq 1 was ever tried for the broken dossier.
    expect(new Set(receiver.arrivals.filter((a) => a.dossierId === 'bad').map((a) => a.seq))).toEqual(new Set([1]));
    expect(log.lines.some((l) => l.level === 'error' && /gave up/.test(l.msg))).toBe(true);

    broken = false;
    const swept = await s.sweep(0);
    expect(swept).toMatchObject({ pending: 5, enqueued: 0, revived: 1 });
    await eventually(allDelivered(outbox, 15), 60_000, 100);
    await receiver.close();
    expect(orderViolations(receiver.arrivals)).toEqual([]);
    expect(receiver.accepted.size).toBe(15);
    await queue.close();
    await close(s);
  });

  it('a receiver that never answers hits the request timeout and is retried', async () => {
    const receiver = await startReceiver(({ n: i }) => (i === 0 ? 'hang' : 'ok'));
    const { outbox, prefix } = await fresh();
    const s = sync({ outbox, prefix, endpoint: receiver.url, timeoutMs: 300 });
    s.startWorker();
    const records = recordsFor('slow', [2, 4]);
    await commit(s, outbox, records);
    await eventually(allDelivered(outbox, 2), 60_000, 100);
    await receiver.close();
    expect(receiver.arrivals.map((a) => [a.seq, a.outcome])).toEqual([
      [1, 'hung'],
      [1, 'accepted'],
      [2, 'accepted'],
    ]);
    const firstDoc = await outbox.findOne({ _id: records[0]!._id });
    expect(firstDoc?.attempts).toBe(2);
    await close(s);
  });

  it('with no endpoint nothing is sent or queued; records stay and a log line says sync is off', async () => {
    const receiver = await startReceiver();
    const { outbox, prefix } = await fresh();
    const log = memoryLogger();
    const s = sync({ outbox, prefix, endpoint: null }, log);
    expect(s.enabled).toBe(false);
    s.startWorker();
    expect(log.lines.some((l) => l.level === 'info' && /portal sync is off/.test(l.msg))).toBe(true);
    const records = recordsFor('off');
    await commit(s, outbox, records);
    expect(await s.enqueue(records.map((r) => r._id))).toBe(0);
    expect(await s.enqueueDossier('off')).toBe(true);
    expect(await s.sweep(0)).toEqual({ pending: 5, enqueued: 0, revived: 0 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const queue = new Queue(PORTAL_SYNC_QUEUE, { connection: stores.connection, prefix });
    const counts = await queue.getJobCounts('waiting', 'delayed', 'active', 'completed', 'failed');
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBe(0);
    await queue.close();
    expect(receiver.arrivals).toHaveLength(0);
    expect(await outbox.countDocuments({ deliveredAt: null })).toBe(5);
    await receiver.close();
    await close(s);
  });

  it('rejects a record id that is not one', async () => {
    const { outbox, prefix } = await fresh();
    const s = sync({ outbox, prefix, endpoint: 'http://127.0.0.1:9/never' });
    await expect(s.enqueue('no-seq-here')).rejects.toThrow(RangeError);
    expect(await s.enqueueDossier('nobody')).toBe(false);
    await close(s);
  });
});
