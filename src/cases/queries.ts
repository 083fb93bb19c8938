import type { Document } from 'mongodb';
import type { CaseDoc, TaskDoc } from '../domain/case.js';
import { notFound } from '../domain/errors.js';
import { caseInScope, unitInScope, unitsToList, type UnitScope } from '../domain/unit-scope.js';
import type { EscalationDoc } from '../store/documents.js';
import type { Collections } from '../store/mongo.js';
import { readPage, type Listing, type Page, type PageRequest } from './paging.js';
import { caseView, historyView, taskView } from './views.js';

export interface TaskFilter extends PageRequest {
  caseId?: string;
  unitId?: string;
  activityId?: string;
  candidateGroup?: string;
  assignee?: string;
  status?: TaskDoc['status'];
}

export interface CaseFilter extends PageRequest {
  procedureKey?: string;
  unitId?: string;
  status?: CaseDoc['status'];
}

export interface EscalationFilter extends PageRequest {
  caseId?: string;
  kind?: EscalationDoc['kind'];
  procedureKey?: string;
}

/** Only the fields given, so an absent filter is not an equality on undefined. */
function equalities(fields: Record<string, unknown>): Document {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null && v !== ''));
}

/** One filter per unit the listing covers (equality on `key`), or the unscoped one. */
export function perUnit(base: Document, key: string, units: string[] | null): Document[] {
  return units ? units.map((u) => ({ [key]: u, ...base })) : [base];
}

/** The page in the listing shape every route answers: items, limit, nextCursor (and total when asked). */
export function pageView<T, V>(page: Page<T>, limit: number, view: (doc: T) => V) {
  return {
    items: page.docs.map(view),
    limit,
    nextCursor: page.nextCursor,
    ...(page.total === undefined ? {} : { total: page.total, totalCapped: page.totalCapped ?? false }),
  };
}

/** Read side: plain lookups over the materialised documents. */
export function createQueries(c: Collections) {
  return {
    async listCases(f: CaseFilter, scope: UnitScope = { all: true }) {
      // A case is seen by every unit in its listing keys (src/store/listing-keys.ts): one equality per unit.
      const units = unitsToList(scope, f.unitId);
      const listing: Listing = {
        name: 'cases',
        filters: perUnit(equalities({ procedureKey: f.procedureKey, status: f.status }), 'unitIds', units),
        sortField: 'createdAt',
        dir: -1,
      };
      return pageView(await readPage(c.cases, listing, f), f.limit, caseView);
    },

    async listTasks(f: TaskFilter, scope: UnitScope = { all: true }) {
      // A task is for the unit that must do it: unit + status, open work, served from the index.
      const units = unitsToList(scope, f.unitId);
      const base = equalities({
        status: f.status ?? 'open',
        caseId: f.caseId,
        activityId: f.activityId,
        candidateGroups: f.candidateGroup,
        assignee: f.assignee,
      });
      const listing: Listing = { name: 'tasks', filters: perUnit(base, 'unitId', units), sortField: 'createdAt', dir: 1 };
      return pageView(await readPage(c.tasks, listing, f), f.limit, taskView);
    },

    /** Reminders and breaches that fired, newest first; a scoped caller sees those of its units' cases. */
    async listEscalations(f: EscalationFilter, scope: UnitScope = { all: true }) {
      const units = scope.all ? null : scope.unitIds;
      const base = equalities({ caseId: f.caseId, kind: f.kind, procedureKey: f.procedureKey });
      const listing: Listing = { name: 'escalations', filters: perUnit(base, 'unitIds', units), sortField: 'at', dir: -1 };
      return pageView(await readPage(c.escalations, listing, f), f.limit, ({ _id, unitIds: _units, ...rest }: EscalationDoc) => ({ id: _id, ...rest }));
    },

    async getTask(taskId: string, scope: UnitScope = { all: true }) {
      const doc = await c.tasks.findOne({ _id: taskId });
      // Another unit's task reads as absent, like an unknown one.
      if (!doc || !unitInScope(scope, doc.unitId)) throw notFound('task', taskId);
      return taskView(doc);
    },

    /** 404 for a dossier of units the caller does not see, as if it did not exist. */
    async assertVisible(caseId: string, scope: UnitScope): Promise<void> {
      if (scope.all) return;
      const doc = await c.cases.findOne({ _id: caseId }, { projection: { dossier: 1, unitId: 1 } });
      if (!doc || !caseInScope(doc, scope)) throw notFound('case', caseId);
    },

    async history(caseId: string) {
      const exists = await c.cases.countDocuments({ _id: caseId }, { limit: 1 });
      if (!exists) throw notFound('case', caseId);
      const docs = await c.history.find({ caseId }).sort({ seq: 1 }).toArray();
      return { caseId, items: docs.map(historyView) };
    },

    async variables(caseId: string): Promise<Record<string, unknown> | null> {
      const doc = await c.cases.findOne({ _id: caseId }, { projection: { variablesJson: 1 } });
      return doc ? (JSON.parse(doc.variablesJson) as Record<string, unknown>) : null;
    },
  };
}

export type Queries = ReturnType<typeof createQueries>;
