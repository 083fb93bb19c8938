import type { Filter } from 'mongodb';
import type { CaseDoc, TaskDoc } from '../domain/case.js';
import { notFound } from '../domain/errors.js';
import { caseInScope, unitInScope, unitsToList, type UnitScope } from '../domain/unit-scope.js';
import type { Collections } from '../store/mongo.js';
import { caseView, historyView, taskView } from './views.js';

export interface Page {
  limit: number;
  offset: number;
}

export interface TaskFilter extends Page {
  caseId?: string;
  unitId?: string;
  activityId?: string;
  candidateGroup?: string;
  assignee?: string;
  status?: TaskDoc['status'];
}

export interface CaseFilter extends Page {
  procedureKey?: string;
  unitId?: string;
  status?: CaseDoc['status'];
}

/** Read side: plain lookups over the materialised documents. */
export function createQueries(c: Collections) {
  return {
    async listCases(f: CaseFilter, scope: UnitScope = { all: true }) {
      const filter: Filter<CaseDoc> = {};
      // A case is seen by its unit, a dossier by every unit it passed through (src/domain/unit-scope.ts).
      const units = unitsToList(scope, f.unitId);
      if (units) filter.$or = [{ unitId: { $in: units } }, { 'dossier.unitIds': { $in: units } } as Filter<CaseDoc>];
      if (f.procedureKey) filter.procedureKey = f.procedureKey;
      if (f.status) filter.status = f.status;
      const [docs, total] = await Promise.all([
        c.cases.find(filter).sort({ createdAt: -1, _id: 1 }).skip(f.offset).limit(f.limit).toArray(),
        c.cases.countDocuments(filter),
      ]);
      return { items: docs.map(caseView), total, limit: f.limit, offset: f.offset };
    },

    async listTasks(f: TaskFilter, scope: UnitScope = { all: true }) {
      const filter: Filter<TaskDoc> = { status: f.status ?? 'open' };
      // A task is for the unit that must do it. One unit: an equality FerretDB's SQL serves from an index.
      const units = unitsToList(scope, f.unitId);
      if (units) filter.unitId = units.length === 1 ? (units[0] as string) : { $in: units };
      if (f.caseId) filter.caseId = f.caseId;
      if (f.activityId) filter.activityId = f.activityId;
      if (f.candidateGroup) filter.candidateGroups = f.candidateGroup;
      if (f.assignee) filter.assignee = f.assignee;
      const [docs, total] = await Promise.all([
        c.tasks.find(filter).sort({ createdAt: 1, _id: 1 }).skip(f.offset).limit(f.limit).toArray(),
        c.tasks.countDocuments(filter),
      ]);
      return { items: docs.map(taskView), total, limit: f.limit, offset: f.offset };
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
