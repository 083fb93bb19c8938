import type { Filter } from 'mongodb';
import type { CaseDoc } from '../domain/case.js';
import { notFound } from '../domain/errors.js';
import { caseInScope, unitsToList, type UnitScope } from '../domain/unit-scope.js';
import type { Collections } from '../store/mongo.js';
import { readPage, type Listing, type PageRequest } from '../cases/paging.js';
import { pageView, perUnit } from '../cases/queries.js';
import { dossierView } from './views.js';

export type { UnitScope } from '../domain/unit-scope.js';

export interface DossierFilter extends PageRequest {
  code?: string;
  status?: number;
  unitId?: string;
  procedureKey?: string;
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
      // Top-level listing keys (src/store/listing-keys.ts): FerretDB filters dotted fields in Go only.
      const base: Record<string, unknown> = { dossier: { $ne: null } };
      if (f.code) base.dossierCode = f.code;
      if (f.status) base['dossier.status'] = f.status;
      if (f.procedureKey) base.procedureKey = f.procedureKey;
      // A unit outside the caller's scope is refused (403), not answered with an empty page.
      const units = unitsToList(scope, f.unitId);
      const listing: Listing = { name: 'dossiers', filters: perUnit(base, 'unitIds', units), sortField: 'createdAt', dir: -1 };
      return pageView(await readPage(c.cases, listing, f), f.limit, dossierView);
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
