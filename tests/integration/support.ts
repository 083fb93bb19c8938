import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { MongoClient, type Collection } from 'mongodb';
import { portalOutboxRecord, type PortalOutboxDoc } from '../../src/integration/portal-outbox.js';
import type { DossierSnapshot, PortalStatus } from '../../src/integration/portal-payload.js';
import type { PortalSyncLogger } from '../../src/integration/portal-sync.js';

const baseMongoUrl = process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27117/bpmn?directConnection=true&retryWrites=false';
export const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6390';

/** A database and Redis prefix of this test file alone; `drop()` removes both. */
export async function isolatedStores(label: string) {
  const id = `${label}_${randomUUID().slice(0, 8)}`.replace(/[^A-Za-z0-9_]/g, '_');
  const url = new URL(baseMongoUrl);
  url.pathname = `/t_${id}`;
  const client = new MongoClient(url.toString(), { serverSelectionTimeoutMS: 5_000 });
  await client.connect();
  const prefix = `t_${id}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  return {
    client,
    prefix,
    redis,
    connection: { url: redisUrl, maxRetriesPerRequest: null },
    /** A fresh `portal_outbox`-shaped collection with the indexes the service creates. */
    async outbox(name = 'portal_outbox'): Promise<Collection<PortalOutboxDoc>> {
      const c = client.db().collection<PortalOutboxDoc>(name);
      await c.createIndex({ dossierId: 1, seq: 1 });
      await c.createIndex({ deliveredAt: 1, createdAt: 1 });
      return c;
    },
    /** Deletes this file's Redis keys (what a Redis restart without persistence does). */
    async flushRedis(): Promise<void> {
      const keys = await redis.keys(`${prefix}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
    },
    async drop(): Promise<void> {
      await client.db().dropDatabase();
      await client.close();
      const keys = await redis.keys(`${prefix}:*`);
      for (let i = 0; i < keys.length; i += 500) await redis.del(...keys.slice(i, i + 500));
      await redis.quit();
    },
  };
}

export interface LogLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  obj: object;
}

export function memoryLogger(): PortalSyncLogger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const print = process.env.TEST_LOG_LEVEL === 'debug';
  const at = (level: LogLine['level']) => (obj: object, msg: string) => {
    lines.push({ level, msg, obj });
    if (print) console.log(level, msg, JSON.stringify(obj));
  };
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export function snapshot(code: string, status: PortalStatus, overrides: Partial<DossierSnapshot> = {}): DossierSnapshot {
  return {
    code,
    procedureCode: '1.001234',
    receivedAt: '2025-07-01T01:30:00.000Z',
    dueAt: '2025-07-04T10:00:00.000Z',
    status,
    finishedAt: null,
    returnedAt: null,
    channel: 'in-person',
    processingUnitCode: '000.00.01.H22',
    processingUnitName: 'UBND xã Tân Phú',
    applicantName: 'Nguyễn Văn A',
    supplements: [],
    progress: [],
    ...overrides,
  };
}

/** Five status changes of one dossier, as the case commits would record them. */
export const FIVE_CHANGES: PortalStatus[] = [2, 4, 5, 4, 9];

export function recordsFor(dossierId: string, statuses: PortalStatus[] = FIVE_CHANGES, firstSeq = 1): PortalOutboxDoc[] {
  return statuses.map((status, i) => portalOutboxRecord(dossierId, firstSeq + i, snapshot(`CODE-${dossierId}`, status), new Date(Date.now() - 1_000).toISOString()));
}

export interface Arrival {
  key: string;
  dossierId: string;
  seq: number;
  outcome: 'accepted' | 'duplicate' | 'refused' | 'dropped' | 'hung';
  body: string;
}

/**
 * A portal stand-in on 127.0.0.1: it refuses (503) or drops the connection while `failing`
 * says so, dedupes by Idempotency-Key, and notes every request it saw, in arrival order.
 */
export async function startReceiver(
  failing: (req: { key: string; dossierId: string; seq: number; n: number }) => 'ok' | 'refuse' | 'drop' | 'hang' = () => 'ok',
  latencyMs = 0,
) {
  const arrivals: Arrival[] = [];
  const accepted = new Map<string, string>();
  let n = 0;
  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const key = String(req.headers['idempotency-key'] ?? '');
      const m = /^(.+)-(\d{6})$/.exec(key);
      const dossierId = m?.[1] ?? '';
      const seq = Number(m?.[2] ?? 0);
      const body = Buffer.concat(chunks).toString('utf8');
      const mode = failing({ key, dossierId, seq, n: n++ });
      const note = (outcome: Arrival['outcome']) => arrivals.push({ key, dossierId, seq, outcome, body });
      if (req.headers['content-type'] !== 'application/json') {
        note('refused');
        res.writeHead(415).end();
        return;
      }
      if (mode === 'drop') {
        note('dropped');
        req.socket.destroy();
        return;
      }
      if (mode === 'hang') {
        note('hung');
        return;
      }
      if (mode === 'refuse') {
        note('refused');
        res.writeHead(503, { 'content-type': 'text/plain' }).end('busy');
        return;
      }
      const duplicate = accepted.has(key);
      if (!duplicate) accepted.set(key, body);
      note(duplicate ? 'duplicate' : 'accepted');
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"error_code":"0"}'), latencyMs);
    });
  };
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/sync`,
    arrivals,
    accepted,
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * Checks the receiver's view: every request for seq n+1 of a dossier came after seq n had
 * been accepted (so first acceptances are in seq order, and nothing ever skipped ahead).
 */
export function orderViolations(arrivals: Arrival[], firstSeq: Map<string, number> = new Map()): string[] {
  const acceptedUpTo = new Map<string, number>();
  const problems: string[] = [];
  for (const a of arrivals) {
    const done = acceptedUpTo.get(a.dossierId) ?? (firstSeq.get(a.dossierId) ?? 1) - 1;
    if (a.seq > done + 1) problems.push(`${a.key} (${a.outcome}) arrived before seq ${done + 1} was accepted`);
    if (a.outcome === 'accepted' && a.seq === done + 1) acceptedUpTo.set(a.dossierId, a.seq);
  }
  return problems;
}

/** Polls until `check` returns a value (not undefined) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met in ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
