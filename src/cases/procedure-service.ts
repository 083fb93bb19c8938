import { createHash } from 'node:crypto';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { createModdle } from '../engine/moddle.js';
import { compileProcedure, type CompiledProcedure } from '../engine/procedure-compiler.js';
import { configureFeelBudget, prepareFeelSandbox, type FeelBudget } from '../engine/feel-sandbox.js';
import { configureMultiInstance } from '../engine/multi-instance.js';
import type { DiagramSummary, Problem, ValidateOptions } from '../engine/validation/index.js';
import { DEFAULT_CASE_DATA_MAX_BYTES, type DiagramLimits } from '../engine/validation/limits.js';
import { checkInPool } from '../engine/validation/pool.js';
import { DomainError, notFound, unprocessable } from '../domain/errors.js';
import type { ProcedureDoc } from '../store/documents.js';
import { isDuplicateKey, type Collections } from '../store/mongo.js';

/** How stale "the newest version" may be on a replica that did not publish it. */
export const LATEST_TTL_MS = 5_000;

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats.default(ajv);

/** Compiles a dossier-data schema; a broken one is refused at publish. */
function compileSchema(schema: object): ValidateFunction {
  try {
    // Versions are told apart by us, not by $id (two versions may share one); the dialect is 2020-12.
    const { $schema: _dialect, $id: _id, ...rest } = schema as Record<string, unknown>;
    return ajv.compile(rest);
  } catch (err) {
    throw unprocessable('INVALID_SCHEMA', `the dossier JSON Schema does not compile: ${(err as Error).message}`);
  }
}

export interface ProcedureVersionView {
  key: string;
  version: number;
  name: string;
  hash: string;
  createdAt: string;
}

const view = (d: ProcedureDoc): ProcedureVersionView => ({
  key: d.key,
  version: d.version,
  name: d.name,
  hash: d.hash,
  createdAt: d.createdAt,
});

export function createProcedureService(
  c: Collections,
  validation: () => ValidateOptions,
  now: () => Date,
  /** Converts quotas in days to minutes for the publish-time budget check. */
  minutesPerWorkingDay: number,
  /** Configured limits (src/config.ts); defaults otherwise. */
  settings: {
    diagram?: Partial<DiagramLimits>;
    caseDataMaxBytes?: number;
    feel?: Partial<FeelBudget>;
    multiInstanceMax?: number;
    /** Whether a business rule task's decision is published (src/decisions); without it, references are not checked. */
    decisionExists?: (key: string, version?: number) => Promise<boolean>;
  } = {},
) {
  if (settings.feel) configureFeelBudget(settings.feel);
  if (settings.multiInstanceMax) configureMultiInstance({ maxInstances: settings.multiInstanceMax });
  const limits = { diagram: settings.diagram ?? {}, caseDataMaxBytes: settings.caseDataMaxBytes ?? DEFAULT_CASE_DATA_MAX_BYTES };
  const compiled = new Map<string, Promise<CompiledProcedure>>();
  const validators = new Map<string, ValidateFunction>();
  // Newest version per key, re-read after LATEST_TTL_MS: a publish on another replica shows within it.
  const latestCache = new Map<string, { view: ProcedureVersionView; until: number }>();
  /** Told of each new version once it is stored (timer start schedules: src/scheduler/timer-starts.ts). */
  const publishedListeners: ((key: string) => Promise<void>)[] = [];

  /** `legacyHash`: the byte hash versions were stored under before canonical hashing. */
  async function insertNextVersion(doc: Omit<ProcedureDoc, '_id' | 'version'>, legacyHash: string): Promise<{ doc: ProcedureDoc; created: boolean }> {
    for (let attempt = 0; attempt < 20; attempt++) {
      const existing = await c.procedures.findOne({ key: doc.key, hash: { $in: [doc.hash, legacyHash] } });
      if (existing) return { doc: existing, created: false };
      const latest = await c.procedures.find({ key: doc.key }).sort({ version: -1 }).limit(1).next();
      const version = (latest?.version ?? 0) + 1;
      const full: ProcedureDoc = { ...doc, _id: `${doc.key}@${version}`, version };
      try {
        await c.procedures.insertOne(full);
        latestCache.delete(full.key);
        return { doc: full, created: true };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err; // a concurrent publish took the number: look again
      }
    }
    throw new DomainError('PUBLISH_CONTENDED', `too many concurrent publishes of '${doc.key}'`, 409);
  }

  /** Business rule tasks naming a decision (or decision version) that is not published. */
  async function missingDecisions(references: NonNullable<DiagramSummary['decisions']>): Promise<Problem[]> {
    const exists = settings.decisionExists;
    if (!exists) return [];
    const problems: Problem[] = [];
    for (const ref of references) {
      if (await exists(ref.decisionRef, ref.version)) continue;
      const which = ref.version === undefined ? `'${ref.decisionRef}'` : `'${ref.decisionRef}' version ${ref.version}`;
      problems.push({
        code: 'DECISION_NOT_FOUND',
        message: `business rule task ${ref.activityId} uses decision ${which}, which is not published: publish the .dmn first (POST /v1/decisions) / bảng quyết định ${which} chưa được đăng`,
        elementId: ref.activityId,
      });
    }
    return problems;
  }

  async function load(key: string, version: number): Promise<CompiledProcedure> {
    const doc = await c.procedures.findOne({ key, version });
    if (!doc) throw notFound('procedure version', `${key}@${version}`);
    const moddleContext = await createModdle().fromXML(doc.xml);
    // Cases of this version will evaluate conditions: have the evaluator thread ready.
    await prepareFeelSandbox();
    return compileProcedure(key, version, moddleContext);
  }

  return {
    limits,

    /** Checks the diagram in the validation pool (never on this thread) and stores a new version unless an equal one exists. */
    async publish(xml: string, publishedBy: string | null, schema: object | null = null) {
      if (typeof xml !== 'string' || xml.length === 0) throw unprocessable('INVALID_DIAGRAM', 'the body holds no BPMN XML');
      if (schema) compileSchema(schema);
      const schemaJson = schema ? JSON.stringify(schema) : null;
      const options = validation();
      const outcome = await checkInPool({
        xml,
        extra: schemaJson ?? '',
        plugins: [...options.plugins],
        limits: { ...limits.diagram, ...options.limits, ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}) },
        workingTime: typeof options.isValidDuration === 'function',
        minutesPerWorkingDay,
        now: now().toISOString(),
      });
      if (!outcome.ok) {
        const { problems } = outcome;
        throw unprocessable('INVALID_DIAGRAM', `the diagram cannot be published: ${problems.length} problem(s)`, { problems });
      }
      const missing = await missingDecisions(outcome.summary.decisions ?? []);
      if (missing.length > 0) {
        throw unprocessable('INVALID_DIAGRAM', `the diagram cannot be published: ${missing.length} problem(s)`, { problems: missing });
      }
      const legacyHash = createHash('sha256').update(xml).update(schemaJson ?? '').digest('hex');
      const { doc, created } = await insertNextVersion(
        {
          key: outcome.processId,
          name: outcome.name,
          hash: outcome.hash,
          xml,
          schemaJson,
          createdAt: now().toISOString(),
          publishedBy,
          ...(outcome.summary.startTriggers?.length ? { startTriggers: outcome.summary.startTriggers } : {}),
        },
        legacyHash,
      );
      if (created) for (const listener of publishedListeners) await listener(doc.key);
      return { procedure: view(doc), created };
    },

    onPublished(listener: (key: string) => Promise<void>): void {
      publishedListeners.push(listener);
    },

    async list() {
      const docs = await c.procedures
        .find({}, { projection: { xml: 0 } })
        .sort({ key: 1, version: 1 })
        .toArray();
      const byKey = new Map<string, ProcedureDoc[]>();
      for (const d of docs) byKey.set(d.key, [...(byKey.get(d.key) ?? []), d]);
      return [...byKey.values()].map((versions) => {
        const latest = versions[versions.length - 1] as ProcedureDoc;
        return { key: latest.key, name: latest.name, latestVersion: latest.version, versions: versions.length };
      });
    },

    async versions(key: string): Promise<ProcedureVersionView[]> {
      const docs = await c.procedures.find({ key }, { projection: { xml: 0 } }).sort({ version: 1 }).toArray();
      if (docs.length === 0) throw notFound('procedure', key);
      return docs.map(view);
    },

    async xml(key: string, version: number): Promise<string> {
      const doc = await c.procedures.findOne({ key, version });
      if (!doc) throw notFound('procedure version', `${key}@${version}`);
      return doc.xml;
    },

    async latest(key: string): Promise<ProcedureVersionView> {
      const hit = latestCache.get(key);
      if (hit && hit.until > Date.now()) return hit.view;
      const doc = await c.procedures.find({ key }, { projection: { xml: 0 } }).sort({ version: -1 }).limit(1).next();
      if (!doc) throw notFound('procedure', key);
      latestCache.set(key, { view: view(doc), until: Date.now() + LATEST_TTL_MS });
      return view(doc);
    },

    /** Checks dossier data against the version's JSON Schema (none published: any object). */
    async validateData(key: string, version: number, data: unknown): Promise<void> {
      const id = `${key}@${version}`;
      let validate = validators.get(id);
      if (!validate) {
        const doc = await c.procedures.findOne({ key, version }, { projection: { schemaJson: 1 } });
        if (!doc) throw notFound('procedure version', id);
        validate = compileSchema(doc.schemaJson ? (JSON.parse(doc.schemaJson) as object) : { type: 'object' });
        validators.set(id, validate);
      }
      if (!validate(data)) {
        throw unprocessable('INVALID_DOSSIER_DATA', `the dossier data does not match the schema of ${id}`, {
          problems: (validate.errors ?? []).map((e) => ({ path: e.instancePath, message: e.message, params: e.params })),
        });
      }
    },

    async schema(key: string, version: number): Promise<object | null> {
      const doc = await c.procedures.findOne({ key, version }, { projection: { schemaJson: 1 } });
      if (!doc) throw notFound('procedure version', `${key}@${version}`);
      return doc.schemaJson ? (JSON.parse(doc.schemaJson) as object) : null;
    },

    /** Facts analysts set as process properties (procedureCode, statutoryTime…). */
    async facts(key: string, version: number): Promise<{ procedureCode: string | null; properties: Record<string, string> }> {
      const procedure = await this.compiled(key, version);
      const properties = procedure.catalog.get(key)?.properties ?? {};
      return { procedureCode: properties.procedureCode ?? null, properties };
    },

    /** Parsed once per version and process; a version never changes once published. */
    compiled(key: string, version: number): Promise<CompiledProcedure> {
      const id = `${key}@${version}`;
      let entry = compiled.get(id);
      if (!entry) {
        entry = load(key, version);
        entry.catch(() => compiled.delete(id));
        compiled.set(id, entry);
      }
      return entry;
    },
  };
}

export type ProcedureService = ReturnType<typeof createProcedureService>;
