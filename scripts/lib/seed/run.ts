/**
 * scripts/seed's work: refuse or clear the target, capture the shapes, publish the
 * procedures and create the units through the service, then write the planned dossiers in
 * batches (insertMany, no engine run per dossier) and the monitoring counters they imply
 * (rollupDeltas of each stored case, applied once through the rollup store).
 */
import { MongoClient } from 'mongodb';
import type { WorkingCalendar } from '../../../src/calendar/index.js';
import { DomainError } from '../../../src/domain/errors.js';
import { rollupDeltas, type RollupDelta } from '../../../src/monitoring/rollup.js';
import { caseFinish, finishDeltas, type SlaDelta } from '../../../src/cases/sla-counters.js';
import { withListingKeys } from '../../../src/store/listing-keys.js';
import { rollupStore } from '../../../src/monitoring/rollup-store.js';
import { connectDatabase } from '../../../src/store/mongo.js';
import { createPlanner, type PlannedDossier } from './plan.js';
import { createRandom } from './random.js';
import { databaseOf, openService } from './service.js';
import { prepareTemplate, shapeDossier, type SeededDocs } from './shape.js';
import { captureTemplates } from './templates.js';
import { communePlan, readBaseUnits } from './units.js';

export interface SeedOptions {
  mongoUrl: string;
  redisUrl: string;
  processesDir: string;
  dossiers: number;
  communes: number;
  seed: number;
  asOf: Date;
  days: number;
  /** Clear a database an earlier seed filled. */
  drop: boolean;
  /** Also clear (or write into) a database holding data no seed wrote. */
  force: boolean;
  batchSize?: number;
  /** Finished dossiers without history entries (no monitoring read touches them): about 3x fewer documents. */
  lean?: boolean;
  /** Sees every planned dossier (tests compute expected figures from it). */
  onPlanned?: (p: PlannedDossier) => void;
  log?: (message: string) => void;
}

export interface SeedResult {
  database: string;
  dossiers: number;
  documents: Record<string, number>;
  ms: number;
}

/** Raised when the target holds data; the command line turns it into exit code 2. */
export class SeedRefused extends Error {
  override name = 'SeedRefused';
}

/** Shares of the procedures in processes/: civil status and copies dominate a commune's desk. */
const PROCEDURE_WEIGHTS: Record<string, number> = {
  'birth-registration': 30, 'certified-copy': 30, 'birth-residence-insurance': 10,
  'household-business-registration': 10, 'building-permit': 10, 'social-allowance': 10,
};

export const SEED_MARKER = 'seed_runs';

async function prepareTarget(o: SeedOptions, log: (m: string) => void): Promise<void> {
  const client = new MongoClient(o.mongoUrl);
  await client.connect();
  try {
    const db = client.db();
    const [someCase, marker] = await Promise.all([db.collection('cases').findOne({}, { projection: { _id: 1 } }), db.collection(SEED_MARKER).findOne({})]);
    if (!someCase && !marker) return;
    const name = db.databaseName;
    if (!o.drop && !o.force) throw new SeedRefused(`database ${name} already holds ${marker ? 'seeded ' : ''}dossiers: pass --drop to clear it first${marker ? '' : ' (and --force, since no seed wrote them)'}`);
    if (o.drop && !marker && !o.force) throw new SeedRefused(`database ${name} holds dossiers no seed wrote: --drop needs --force to clear it`);
    if (o.drop) {
      log(`dropping database ${name}`);
      await db.dropDatabase();
    }
  } finally {
    await client.close();
  }
}

/** Merges a dossier's deltas into the run's totals (one row per counter row id). */
function mergeDeltas(into: Map<string, RollupDelta>, deltas: readonly RollupDelta[]): void {
  for (const d of deltas) {
    const row = into.get(d._id) ?? { ...d, inc: {} };
    for (const [k, v] of Object.entries(d.inc)) row.inc[k as keyof typeof row.inc] = (row.inc[k as keyof typeof row.inc] ?? 0) + (v ?? 0);
    into.set(d._id, row);
  }
}

export async function seedDossiers(o: SeedOptions): Promise<SeedResult> {
  const log = o.log ?? (() => undefined);
  const started = Date.now();
  const name = databaseOf(o.mongoUrl);
  await prepareTarget(o, log);

  log('capturing document shapes from the service (one dossier per procedure and state)');
  const templates = (await captureTemplates(o.mongoUrl, o.redisUrl, o.processesDir, `${name}_shapes`.slice(0, 60))).map(prepareTemplate);
  const byKey = new Map(templates.map((t) => [t.key, t]));

  log('publishing processes/ and creating units through the service');
  const svc = await openService(o.mongoUrl, o.redisUrl, o.processesDir);
  const { container, config } = svc;
  const plan = communePlan(readBaseUnits(o.processesDir), o.communes);
  let calendar: WorkingCalendar | undefined;
  const versions = new Map<string, number>();
  try {
    await container.publishDirectory(o.processesDir);
    for (const unit of plan.toCreate) {
      try {
        await container.units.create(unit);
      } catch (err) {
        if (!(err instanceof DomainError && err.code === 'UNIT_EXISTS')) throw err;
      }
    }
    calendar = (await container.calendars.current()).calendar;

    for (const p of await container.procedures.list()) versions.set(p.key, p.latestVersion);
  } finally {
    await svc.close();
  }

  if (!calendar) throw new Error('no working calendar');
  const cal = calendar;
  const database = await connectDatabase(o.mongoUrl);
  const c = database.collections;
  const marker = database.db.collection<{ _id: string }>(SEED_MARKER);
  await marker.insertOne({ _id: 'seed', seed: o.seed, lean: Boolean(o.lean), dossiers: o.dossiers, communes: o.communes, asOf: o.asOf.toISOString(), days: o.days, startedAt: new Date().toISOString(), completedAt: null } as never);
  const units = new Map(plan.communes.map((u) => [u.id, u]));
  const planner = createPlanner({
    seed: o.seed,
    asOf: o.asOf,
    days: o.days,
    units: plan.communes,
    procedures: templates.map((t) => {
      const clock = JSON.parse(t.states.processing.json).case.clock as { spec: string; cutoff: string | null } | null;
      if (!clock) throw new Error(`procedure ${t.key} has no statutory clock; the seed needs one`);
      return { key: t.key, weight: PROCEDURE_WEIGHTS[t.key] ?? 5, spec: clock.spec, cutoff: clock.cutoff };
    }),
    calendar: cal,
    reminderShare: config.reminderShare,
  });
  const ids = createRandom(o.seed ^ 0x5eed);
  const seqs = new Map<string, { agency: string; day: string; seq: number; dossierId: string; at: string }>();
  const rollups = new Map<string, RollupDelta>();
  // The SLA report's counters (src/cases/sla-counters.ts), summed per row like the rollups.
  const slaRows = new Map<string, SlaDelta>();
  const addSla = (deltas: SlaDelta[]) => {
    for (const d of deltas) {
      const row = slaRows.get(d._id) ?? { ...d, inc: {} };
      for (const [k, v] of Object.entries(d.inc)) row.inc[k as keyof SlaDelta['inc']] = (row.inc[k as keyof SlaDelta['inc']] ?? 0) + (v ?? 0);
      slaRows.set(d._id, row);
    }
  };
  const counts = { cases: 0, tasks: 0, history: 0, escalations: 0 };
  const batchSize = o.batchSize ?? 1000;
  const inFlight = new Set<Promise<void>>();
  let lastLog = Date.now();

  const write = async (docs: SeededDocs[]): Promise<void> => {
    const many = async <T>(coll: { insertMany(d: T[], o: object): Promise<unknown> }, items: T[]) => {
      if (items.length) await coll.insertMany(items, { ordered: false });
    };
    await Promise.all([
      many(c.cases, docs.map((d) => d.case)),
      many(c.tasks, docs.flatMap((d) => d.tasks)),
      many(c.history, docs.flatMap((d) => (o.lean && d.case.status === 'completed' ? [] : d.history))),
      many(c.escalations, docs.flatMap((d) => d.escalations)),
    ]);
  };

  try {
    for (let from = 0; from < o.dossiers; from += batchSize) {
      const batch: SeededDocs[] = [];
      for (let i = from; i < Math.min(o.dossiers, from + batchSize); i++) {
        const p = planner(i);
        o.onPlanned?.(p);
        const unit = units.get(p.unitId)!;
        const day = new Date(p.submittedAt.getTime() + 7 * 3600_000).toISOString().slice(0, 10).replace(/-/g, '');
        const codeKey = `${unit.code}|${day}`;
        const seq = (seqs.get(codeKey)?.seq ?? 0) + 1;
        const docs = shapeDossier(p, byKey.get(p.procedureKey)!, { calendar: cal, reminderShare: config.reminderShare, unit, seq, uuid: ids.uuid });
        docs.case.procedureVersion = versions.get(p.procedureKey) ?? docs.case.procedureVersion;
        seqs.set(codeKey, { agency: unit.code, day, seq, dossierId: p.id, at: p.submittedAt.toISOString() });
        // The listing keys as the service writes them with every case (the template's are another unit's).
        const keys = withListingKeys(docs.case);
        Object.assign(docs.case, { unitIds: keys.unitIds, dossierCode: keys.dossierCode });
        mergeDeltas(rollups, rollupDeltas(null, docs.case));
        const finish = caseFinish(docs.case);
        if (finish) addSla(finishDeltas(finish));
        for (const t of docs.tasks) {
          if (t.status !== 'completed' || !t.sla) continue;
          const cls = t.sla.class === 'on-time' ? 'onTime' : t.sla.class;
          addSla(finishDeltas({ unitId: t.unitId ?? 'none', procedureKey: t.procedureKey, activityId: t.activityId, cls, finishedAt: t.sla.finishedAt }));
        }
        counts.cases += 1;
        counts.tasks += docs.tasks.length;
        counts.history += o.lean && docs.case.status === 'completed' ? 0 : docs.history.length;
        counts.escalations += docs.escalations.length;
        batch.push(docs);
      }
      const job = write(batch).finally(() => inFlight.delete(job));
      inFlight.add(job);
      if (inFlight.size >= 3) await Promise.race(inFlight);
      if (Date.now() - lastLog > 10_000) {
        lastLog = Date.now();
        log(`${counts.cases} / ${o.dossiers} dossiers written (${Math.round(counts.cases / ((Date.now() - started) / 1000))} per second overall)`);
      }
    }
    await Promise.all(inFlight);

    // Each code's (agency, day) keeps its last sequence: the service continues after it.
    const codeDocs = [...seqs.values()].map((s) => ({ _id: `${s.agency}-${s.day.slice(2)}-${String(s.seq).padStart(4, '0')}`, ...s }));
    for (let i = 0; i < codeDocs.length; i += 5000) await database.db.collection<{ _id: string }>('dossier_codes').insertMany(codeDocs.slice(i, i + 5000), { ordered: false });
    log(`applying ${rollups.size} monitoring counter rows`);
    await rollupStore(database.db).apply(`seed-${o.seed}-${o.asOf.toISOString()}`, [...rollups.values()], new Date().toISOString());
    log(`applying ${slaRows.size} SLA report counter rows`);
    const slaAll = [...slaRows.values()];
    const seedId = `seed-${o.seed}-${o.asOf.toISOString()}-sla`;
    for (let i = 0; i < slaAll.length; i += 1000) await rollupStore(database.db).apply(`${seedId}#${i / 1000}`, slaAll.slice(i, i + 1000) as never, new Date().toISOString());
    // These finishes are counted: the service's start-up backfill must not count them again.
    const now = new Date().toISOString();
    await database.db.collection<{ _id: string; at: string; doneAt?: string }>('migrations').updateOne({ _id: 'sla-counters-backfill-v1' }, { $setOnInsert: { at: now }, $set: { doneAt: now } }, { upsert: true });
    await marker.updateOne({ _id: 'seed' }, { $set: { completedAt: new Date().toISOString() } });
    return { database: name, dossiers: o.dossiers, documents: { ...counts, dossierCodes: codeDocs.length, counterRows: rollups.size }, ms: Date.now() - started };
  } finally {
    await database.close();
  }
}
