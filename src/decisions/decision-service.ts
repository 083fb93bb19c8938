import type { Collection } from 'mongodb';
import { DomainError, notFound, unprocessable } from '../domain/errors.js';
import type { DecisionDoc } from '../store/decision-store.js';
import { isDuplicateKey } from '../store/mongo.js';
import { checkDecisionsInPool } from './check-pool.js';
import type { CheckedDecision } from './check-worker.js';
import type { DecisionTable } from './types.js';

/*
 * Decisions are versioned like procedures (src/cases/procedure-service.ts): key = the
 * decision id, versions 1, 2, … per key, an equal table published again answers the version
 * that holds it. A .dmn file with several decisions publishes each as a version of its own.
 */

/** How stale "the newest version" may be on a replica that did not publish it. */
export const DECISION_LATEST_TTL_MS = 5_000;

export interface DecisionVersionView {
  key: string;
  version: number;
  name: string;
  hitPolicy: string;
  hash: string;
  createdAt: string;
}

export interface PublishedDecision extends DecisionVersionView {
  created: boolean;
}

export interface ResolvedDecision {
  key: string;
  version: number;
  tables: DecisionTable[];
}

const view = (d: DecisionDoc): DecisionVersionView => ({
  key: d.key,
  version: d.version,
  name: d.name,
  hitPolicy: d.hitPolicy,
  hash: d.hash,
  createdAt: d.createdAt,
});

export function createDecisionService(col: Collection<DecisionDoc>, now: () => Date) {
  const resolved = new Map<string, ResolvedDecision>();
  const latestCache = new Map<string, { version: number; until: number }>();

  async function insertNextVersion(decision: CheckedDecision, xml: string, publishedBy: string | null): Promise<PublishedDecision> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const existing = await col.findOne({ key: decision.key, hash: decision.hash }, { projection: { xml: 0, tablesJson: 0 } });
      if (existing) return { ...view(existing), created: false };
      const latest = await col.find({ key: decision.key }, { projection: { version: 1 } }).sort({ version: -1 }).limit(1).next();
      const version = (latest?.version ?? 0) + 1;
      const doc: DecisionDoc = {
        _id: `${decision.key}@${version}`,
        key: decision.key,
        version,
        name: decision.name,
        hitPolicy: decision.hitPolicy,
        hash: decision.hash,
        tablesJson: JSON.stringify(decision.tables),
        xml,
        createdAt: now().toISOString(),
        publishedBy,
      };
      try {
        await col.insertOne(doc);
        latestCache.delete(doc.key);
        return { ...view(doc), created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // a concurrent publish took the number or the hash: look again
      }
    }
    throw new DomainError('PUBLISH_CONTENDED', `too many concurrent publishes of '${decision.key}' / quá nhiều lượt đăng đồng thời`, 409);
  }

  async function latestVersion(key: string): Promise<number | undefined> {
    const hit = latestCache.get(key);
    if (hit && hit.until > Date.now()) return hit.version;
    const doc = await col.find({ key }, { projection: { version: 1 } }).sort({ version: -1 }).limit(1).next();
    if (!doc) return undefined;
    latestCache.set(key, { version: doc.version, until: Date.now() + DECISION_LATEST_TTL_MS });
    return doc.version;
  }

  return {
    /** Checks the .dmn in its thread and stores a new version of every decision that changed. */
    async publish(xml: string, publishedBy: string | null): Promise<{ name: string; decisions: PublishedDecision[] }> {
      if (typeof xml !== 'string' || xml.length === 0) throw unprocessable('INVALID_DECISION', 'the body holds no DMN XML / không có nội dung DMN');
      const outcome = await checkDecisionsInPool(xml);
      if (!outcome.ok) {
        throw unprocessable('INVALID_DECISION', `the decision file cannot be published: ${outcome.problems.length} problem(s) / tệp quyết định có ${outcome.problems.length} lỗi`, {
          problems: outcome.problems,
        });
      }
      const decisions: PublishedDecision[] = [];
      for (const decision of outcome.decisions) decisions.push(await insertNextVersion(decision, xml, publishedBy));
      return { name: outcome.name, decisions };
    },

    async list(): Promise<{ key: string; name: string; latestVersion: number; versions: number }[]> {
      const docs = await col.find({}, { projection: { xml: 0, tablesJson: 0 } }).sort({ key: 1, version: 1 }).toArray();
      const byKey = new Map<string, DecisionDoc[]>();
      for (const d of docs) byKey.set(d.key, [...(byKey.get(d.key) ?? []), d]);
      return [...byKey.values()].map((versions) => {
        const latest = versions[versions.length - 1] as DecisionDoc;
        return { key: latest.key, name: latest.name, latestVersion: latest.version, versions: versions.length };
      });
    },

    async versions(key: string): Promise<DecisionVersionView[]> {
      const docs = await col.find({ key }, { projection: { xml: 0, tablesJson: 0 } }).sort({ version: 1 }).toArray();
      if (docs.length === 0) throw notFound('decision', key);
      return docs.map(view);
    },

    async get(key: string, version: number): Promise<DecisionVersionView & { tables: DecisionTable[] }> {
      const doc = await col.findOne({ _id: `${key}@${version}` }, { projection: { xml: 0 } });
      if (!doc) throw notFound('decision version', `${key}@${version}`);
      return { ...view(doc), tables: JSON.parse(doc.tablesJson) as DecisionTable[] };
    },

    /** Whether a business rule task's reference can be served (checked when its procedure is published). */
    async exists(key: string, version?: number): Promise<boolean> {
      if (version === undefined) return (await latestVersion(key)) !== undefined;
      return (await col.countDocuments({ _id: `${key}@${version}` }, { limit: 1 })) > 0;
    },

    /** The tables to evaluate: `version`, or the newest one (seen within DECISION_LATEST_TTL_MS). */
    async resolve(key: string, version?: number): Promise<ResolvedDecision> {
      const wanted = version ?? (await latestVersion(key));
      if (wanted === undefined) throw notFound('decision', key);
      const id = `${key}@${wanted}`;
      const cached = resolved.get(id);
      if (cached) return cached;
      const doc = await col.findOne({ _id: id }, { projection: { tablesJson: 1 } });
      if (!doc) throw notFound('decision version', id);
      const entry = { key, version: wanted, tables: JSON.parse(doc.tablesJson) as DecisionTable[] };
      if (resolved.size >= 500) resolved.clear();
      resolved.set(id, entry); // versions never change once published
      return entry;
    },
  };
}

export type DecisionService = ReturnType<typeof createDecisionService>;
