import type { CaseDoc } from '../domain/case.js';
import type { DossierSnapshot } from '../integration/portal-payload.js';

/** Synchronous unit facts (a cache of the units collection), for building snapshots inside a commit. */
export interface UnitNames {
  name(id: string | null): string;
  code(id: string | null): string;
}

/** Names and titles of the people behind actor strings, known synchronously. */
export interface PeopleNames {
  person(actor: string): { name: string; title: string };
}

const asGiven: PeopleNames = { person: (actor) => ({ name: actor, title: '' }) };

/** What the national portal is told about a dossier's current state. */
export function portalSnapshot(doc: CaseDoc, units: UnitNames, people: PeopleNames = asGiven): DossierSnapshot {
  const d = doc.dossier;
  if (!d) throw new Error(`case ${doc._id} is not a dossier`);
  return {
    code: d.code,
    procedureCode: d.procedureCode,
    receivedAt: d.receivedAt,
    dueAt: doc.clock?.dueAt ?? null,
    status: d.status,
    finishedAt: d.finishedAt,
    returnedAt: d.returnedAt,
    channel: d.channel,
    processingUnitCode: units.code(d.currentUnitId),
    processingUnitName: units.name(d.currentUnitId),
    applicantName: d.applicant.name,
    supplements: d.supplements.map((s) => ({
      requestedAt: s.requestedAt,
      receivedAt: s.receivedAt,
      reason: s.reason,
      previousDueAt: s.previousDueAt,
      newDueAt: s.newDueAt,
    })),
    progress: d.handovers.map((h, i) => ({
      by: people.person(h.from.person).name,
      title: people.person(h.from.person).title,
      unitName: units.name(h.from.unitId),
      at: h.at,
      action: [`${h.step}: ${h.result}`, h.note].filter(Boolean).join(' — '),
      startedAt: i > 0 ? (d.handovers[i - 1]?.at ?? h.at) : (d.receivedAt ?? d.submittedAt),
      dueAt: h.stepDueAt,
    })),
    submittedAt: d.submittedAt,
    fees: (d.fees ?? []).map((f) => ({ name: f.name, amount: f.amount, paid: f.paid, onlineChannel: f.onlineChannel, receiptNumber: f.receiptNumber })),
    result: d.result ? { code: d.result.code, fileUrl: d.result.fileUrl } : null,
    documents: d.attachments.map((a) => ({
      name: a.name,
      url: a.url ?? null,
      digitised: a.digitised ?? false,
      reusedFromNationalStore: a.reusedFromNationalStore ?? false,
    })),
  };
}
