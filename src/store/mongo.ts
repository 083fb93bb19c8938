import { MongoClient, type Collection, type CommandStartedEvent, type Db, MongoServerError } from 'mongodb';
import type { CaseDoc, HistoryEntry, TaskDoc } from '../domain/case.js';
import type { CommitDoc, EscalationDoc, IdempotencyDoc, NotificationDoc, PortalOutboxDoc, ProcedureDoc } from './documents.js';
import { subscriptionIndexes, type SubscriptionDoc } from './subscriptions.js';

export interface Collections {
  procedures: Collection<ProcedureDoc>;
  cases: Collection<CaseDoc>;
  commits: Collection<CommitDoc>;
  tasks: Collection<TaskDoc>;
  history: Collection<HistoryEntry>;
  idempotency: Collection<IdempotencyDoc>;
  escalations: Collection<EscalationDoc>;
  notifications: Collection<NotificationDoc>;
  portalOutbox: Collection<PortalOutboxDoc>;
  /** Message and signal subscriptions of waiting cases (store/subscriptions.ts). */
  subscriptions: Collection<SubscriptionDoc>;
}

export interface Database {
  client: MongoClient;
  db: Db;
  collections: Collections;
  close(): Promise<void>;
}

/** `onCommand`: sees every command the driver sends (tests count round trips with it). */
export async function connectDatabase(url: string, options: { onCommand?: (event: CommandStartedEvent) => void } = {}): Promise<Database> {
  const client = new MongoClient(url, { serverSelectionTimeoutMS: 5_000, monitorCommands: Boolean(options.onCommand) });
  if (options.onCommand) client.on('commandStarted', options.onCommand);
  await client.connect();
  const db = client.db();
  const collections: Collections = {
    procedures: db.collection('procedures'),
    cases: db.collection('cases'),
    commits: db.collection('commits'),
    tasks: db.collection('tasks'),
    history: db.collection('history'),
    idempotency: db.collection('idempotency'),
    escalations: db.collection('escalations'),
    notifications: db.collection('notifications'),
    portalOutbox: db.collection('portal_outbox'),
    subscriptions: db.collection('subscriptions'),
  };
  await ensureIndexes(collections);
  return { client, db, collections, close: () => client.close() };
}

/** Only single, compound and unique indexes: what FerretDB 1.24 and MongoDB 7 both honour. */
async function ensureIndexes(c: Collections): Promise<void> {
  await Promise.all([
    c.procedures.createIndex({ key: 1, version: 1 }, { unique: true }),
    c.procedures.createIndex({ key: 1, hash: 1 }, { unique: true }),
    c.cases.createIndex({ status: 1, updatedAt: 1 }),
    c.cases.createIndex({ procedureKey: 1, createdAt: 1 }),
    c.commits.createIndex({ applied: 1, at: 1 }),
    c.tasks.createIndex({ caseId: 1 }),
    c.tasks.createIndex({ status: 1, createdAt: 1 }),
    c.tasks.createIndex({ candidateGroups: 1, status: 1 }),
    c.history.createIndex({ caseId: 1, seq: 1 }),
    c.escalations.createIndex({ at: -1 }),
    c.portalOutbox.createIndex({ dossierId: 1, seq: 1 }),
    c.portalOutbox.createIndex({ deliveredAt: 1, createdAt: 1 }),
    c.cases.createIndex({ 'dossier.code': 1 }),
    c.cases.createIndex({ unitId: 1, createdAt: -1 }),
    c.tasks.createIndex({ unitId: 1, status: 1 }),
    c.cases.createIndex({ 'dossier.unitIds': 1, createdAt: -1 }),
    c.tasks.createIndex({ unitId: 1, status: 1 }),
    c.escalations.createIndex({ caseId: 1, at: 1 }),
    c.escalations.createIndex({ kind: 1, at: -1 }),
    // Cursor paging (src/cases/paging.ts): one equality per unit, then the sort key and _id.
    c.cases.createIndex({ unitIds: 1, createdAt: -1, _id: -1 }),
    c.cases.createIndex({ status: 1, createdAt: -1, _id: -1 }),
    c.cases.createIndex({ dossierCode: 1 }),
    c.tasks.createIndex({ unitId: 1, status: 1, createdAt: 1, _id: 1 }),
    c.escalations.createIndex({ unitIds: 1, at: -1, _id: -1 }),
    // Messages and signals (src/messaging): the procedures a message or signal starts, the waiting cases.
    c.procedures.createIndex({ startTriggers: 1 }),
    ...subscriptionIndexes(c.subscriptions),
    // The monitoring lists: one unit's (or the province's '*') open dossier rows in due order.
    c.tasks.createIndex({ openWork: 1, status: 1, workOrder: 1, _id: 1 }),
  ]);
}

export function isDuplicateKey(err: unknown): boolean {
  if (err instanceof MongoServerError && err.code === 11000) return true;
  // Bulk inserts report duplicates per write; treat a batch of only duplicates the same way.
  const writeErrors = (err as { writeErrors?: { code?: number }[] })?.writeErrors;
  return Array.isArray(writeErrors) && writeErrors.length > 0 && writeErrors.every((e) => e.code === 11000);
}
