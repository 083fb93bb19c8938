import type { Filter } from 'mongodb';
import type { CaseDoc } from '../domain/case.js';
import { notFound } from '../domain/errors.js';
import { caseInScope, unitsToList, type UnitScope } from '../domain/unit-scope.js';
import type { Collections } from '../store/mongo.js';
import { dossierView } from './views.js';

export type { UnitScope } from '../domain/unit-scope.js';

export interface DossierFilter {
  code?: string;
  status?: number;
  unitId?: string;
  procedureKey?: string;
  limit: number;
  offset: number;
}

export function createDossierQueries(c: Collections) {
  return {
    async get(id: string, scope: UnitScope = { all: true }) {
      const doc = await c.cases.findOne({ _id: id, dossier: { $ne: null } } as Filter<CaseDoc>);
      // Out of scope reads as absent: the caller learns nothing about other units' dossiers.
      if (!doc?.dossier || !caseInScope(doc, scope)) throw notFound('dossier', id);
      return doc;
    },

    async view(id: string, scope?: UnitScope) {
      return dossierView(await this.get(id, scope));
    },

    async list(f: DossierFilter, scope: UnitScope) {
      const filter: Record<string, unknown> = { dossier: { $ne: null } };
      if (f.code) filter['dossier.code'] = f.code;
      if (f.status) filter['dossier.status'] = f.status;
      if (f.procedureKey) filter.procedureKey = f.procedureKey;
      // A unit outside the caller's scope is refused (403), not answered with an empty page.
      const units = unitsToList(scope, f.unitId);
      if (units) filter['dossier.unitIds'] = { $in: units };
      const query = filter as Filter<CaseDoc>;
      const [docs, total] = await Promise.all([
        c.cases.find(query).sort({ createdAt: -1, _id: 1 }).skip(f.offset).limit(f.limit).toArray(),
        c.cases.countDocuments(query),
      ]);
      return { items: docs.map(dossierView), total, limit: f.limit, offset: f.offset };
    },

    /** Received dossiers whose processing never started (a process died in between). */
    async stalledReceipts(olderThan: Date): Promise<string[]> {
      const filter = { 'dossier.status': 2, engineStateJson: 'null', updatedAt: { $lt: olderThan.toISOString() } } as Filter<CaseDoc>;
      const docs = await c.cases.find(filter, { projection: { _id: 1 } }).limit(100).toArray();
      return docs.map((d) => d._id);
    },

    /** Open dossiers a unit holds, for reassignment to its successor. */
    async heldBy(unitId: string, procedureKey?: string): Promise<string[]> {
      // Still open for the citizen: not refused, withdrawn, stopped or returned.
      const filter: Record<string, unknown> = { 'dossier.status': { $in: [1, 2, 4, 5, 6, 9] }, 'dossier.unitIds': unitId };
      if (procedureKey) filter.procedureKey = procedureKey;
      const docs = await c.cases.find(filter as Filter<CaseDoc>, { projection: { _id: 1 } }).toArray();
      return docs.map((d) => d._id);
    },
  };
}

export type DossierQueries = ReturnType<typeof createDossierQueries>;
