import { randomUUID } from 'node:crypto';
import type { CaseService } from '../cases/case-service.js';
import type { CaseTransactions } from '../cases/case-transactions.js';
import type { ProcedureService } from '../cases/procedure-service.js';
import { caseView, type CaseView } from '../cases/views.js';
import type { StepRecord } from '../cases/effects.js';
import type { CaseDoc } from '../domain/case.js';
import { badRequest, conflict, notFound, unprocessable } from '../domain/errors.js';
import { pauseAll, resumeAll, type DeadlineContext } from '../deadlines/case-deadlines.js';
import type { UnitScope } from '../domain/unit-scope.js';
import type { DossierCodes } from './dossier-codes.js';
import { checkReceiptUnits, checkTransferUnits } from './unit-rules.js';
import { assertAllowed, isBeforeReceipt, type Operation } from './lifecycle.js';
import { assessSupplement, enforceSupplementRules, supplementRecordFields } from './supplement-rules.js';
import { applyFeeLines, resultOf, submissionInstant, type FeeLineInput, type ResultInput } from './index-data.js';
import { DOSSIER_STATUS, type Applicant, type Attachment, type Channel, type DossierInfo, type DossierStatus } from './types.js';

/** What the dossier service needs to know of organisation units. */
export interface UnitDirectory {
  get(id: string): Promise<{ id: string; code: string; name: string; dissolvedAt: string | null } | null>;
}

export interface ReceiptInput {
  procedureKey: string;
  applicant: Applicant;
  data: Record<string, unknown>;
  channel: Channel;
  receivingUnitId: string;
  processingUnitId?: string;
  attachments: Attachment[];
  /** false: an online submission the desk has yet to check (status 1); no clock yet. */
  receive: boolean;
  by: string;
  /** Fixed by an Idempotency-Key record, so a retry finds the same dossier. */
  caseId?: string;
  /** When the applicant submitted (an online submission before its receipt); absent: now. */
  submittedAt?: string;
}

export interface OperationInput {
  reason?: string;
  note?: string;
  result?: string;
  items?: string[];
  amount?: number;
  toUnitId?: string;
  data?: Record<string, unknown>;
  /** A supplement request the procedure allows only with a written reason (beyond the maximum, after the window). */
  justification?: string;
  by: string;
  /** The caller's units: a transfer must leave one of them (absent: an internal caller, every unit). */
  scope?: UnitScope;
}

const MESSAGE_FOR: Partial<Record<Operation, string>> = {
  'supplement-received': 'supplement',
  'payment-received': 'payment',
  'transfer-return': 'transfer-result',
};

/** Receipt and the one-stop lifecycle of a dossier, each step recorded and synced (docs/dossiers.md). */
export function createDossierService(deps: {
  tx: CaseTransactions;
  cases: CaseService;
  procedures: ProcedureService;
  codes: DossierCodes;
  units: UnitDirectory;
}) {
  const { tx, cases, procedures, codes, units } = deps;
  const { now } = tx.deps;

  async function activeUnit(id: string, field: string) {
    const unit = await units.get(id);
    if (!unit) throw unprocessable('UNKNOWN_UNIT', `${field} '${id}' is not a known unit`, { field, id });
    if (unit.dissolvedAt) throw unprocessable('UNIT_DISSOLVED', `${field} '${id}' was dissolved; use its successor`, { field, id });
    return unit;
  }

  /** Commits a change that does not move the engine (status, supplements, transfers, clocks). */
  async function commit(
    current: CaseDoc,
    change: (next: CaseDoc, deadlines: DeadlineContext) => void,
    records: StepRecord[],
    by: string,
  ): Promise<CaseView> {
    const at = now();
    const next: CaseDoc = { ...current, revision: current.revision + 1, updatedAt: at.toISOString() };
    const deadlines = await tx.deadlineContext(current, at);
    change(next, deadlines);
    return caseView(await tx.commitChange({ current, next, done: null, by, records, deadlines }));
  }

  const dossierOf = (c: CaseDoc): DossierInfo => {
    if (!c.dossier) throw notFound('dossier', c._id);
    return c.dossier;
  };

  const setDossier = (next: CaseDoc, patch: Partial<DossierInfo>) => {
    next.dossier = { ...(next.dossier as DossierInfo), ...patch };
  };

  /** Ends the case with a closing status (refused, withdrawn, stopped). */
  function close(current: CaseDoc, status: DossierStatus, reason: string, op: Operation, by: string) {
    return commit(
      current,
      (next) => {
        const at = next.updatedAt;
        next.status = 'terminated';
        next.waits = [];
        next.endedAt = at;
        setDossier(next, { status, closingReason: reason });
      },
      [{ type: `dossier.${op}`, by, data: { reason } }],
      by,
    );
  }

  /** Starts processing a received dossier; does nothing if it already runs (a retry, the sweep). */
  async function startEngine(caseId: string, by: string): Promise<CaseView> {
    return tx.onCase(caseId, async (current) => {
      if (current.dossier?.status !== DOSSIER_STATUS.received || current.engineStateJson !== 'null') return caseView(current);
      return caseView(await cases.locked.startEngine(current, { records: [{ type: 'dossier.processing', by }], origin: { kind: 'client', by } }));
    });
  }

  return {
    requireActiveUnit: (id: string, field = 'toUnitId') => activeUnit(id, field),

    /**
     * A received dossier whose processing did not start (the process died between the
     * receipt's two commits) starts now; used by retries and the recovery sweep.
     */
    ensureProcessing: (caseId: string, by = 'recovery') => startEngine(caseId, by),

    /** 403 / 422 unless the caller may receive at this desk for this processing unit (src/dossiers/unit-rules.ts). */
    async assertReceiptUnits(input: Pick<ReceiptInput, 'procedureKey' | 'receivingUnitId' | 'processingUnitId'>, scope: UnitScope): Promise<void> {
      const version = await procedures.latest(input.procedureKey);
      const { properties } = await procedures.facts(version.key, version.version);
      checkReceiptUnits(scope, { receivingUnitId: input.receivingUnitId, processingUnitId: input.processingUnitId ?? input.receivingUnitId }, properties);
    },

    async receive(input: ReceiptInput): Promise<CaseView> {
      const version = await procedures.latest(input.procedureKey);
      await procedures.validateData(version.key, version.version, input.data);
      const receiving = await activeUnit(input.receivingUnitId, 'receivingUnitId');
      const processing = await activeUnit(input.processingUnitId ?? input.receivingUnitId, 'processingUnitId');
      const facts = await procedures.facts(version.key, version.version);
      const caseId = input.caseId ?? randomUUID();
      const at = now();
      const dossier: DossierInfo = {
        code: await codes.allocate(receiving.code, at, caseId),
        procedureCode: facts.procedureCode ?? version.key,
        procedureName: version.name,
        applicant: input.applicant,
        channel: input.channel,
        attachments: input.attachments,
        receivingUnitId: receiving.id,
        processingUnitId: processing.id,
        currentUnitId: processing.id,
        unitIds: [...new Set([receiving.id, processing.id])],
        status: input.receive ? DOSSIER_STATUS.received : DOSSIER_STATUS.submitted,
        submittedAt: submissionInstant(input.submittedAt, at),
        receivedAt: input.receive ? at.toISOString() : null,
        finishedAt: null,
        returnedAt: null,
        supplements: [],
        payments: [],
        transfer: null,
        handovers: [],
        closingReason: null,
        fees: [],
        result: null,
        portalSeq: 0,
      };
      const stored = await cases.start({
        caseId,
        procedureKey: version.key,
        procedureVersion: version.version,
        data: input.data,
        by: input.by,
        unitId: processing.id,
        dossier,
        deferEngine: true,
      });
      return input.receive ? startEngine(stored.id, input.by) : stored;
    },

    /** Records fee lines (new or replacing unpaid ones); the portal hears of it (docs/service-index.md). */
    recordFees: (caseId: string, lines: FeeLineInput[], by: string): Promise<CaseView> =>
      tx.onCase(caseId, (current) => {
        const fees = applyFeeLines(dossierOf(current), lines, now().toISOString(), by);
        const data = { lines: lines.length, total: fees.reduce((sum, l) => sum + l.amount, 0) };
        return commit(current, (n) => setDossier(n, { fees, portalSeq: dossierOf(n).portalSeq + 1 }), [{ type: 'dossier.fees-recorded', by, data }], by);
      }),

    /** Records (or corrects) the result paper: code, e-result file, digital signature. */
    recordResult: (caseId: string, input: ResultInput, by: string): Promise<CaseView> =>
      tx.onCase(caseId, (current) => {
        const result = resultOf(dossierOf(current), input, now().toISOString(), by);
        const data = { code: result.code, signed: result.signed, file: result.fileUrl !== null };
        return commit(current, (n) => setDossier(n, { result, portalSeq: dossierOf(n).portalSeq + 1 }), [{ type: 'dossier.result-recorded', by, data }], by);
      }),

    async operate(caseId: string, op: Operation, input: OperationInput): Promise<CaseView> {
      const by = input.by;
      const reason = input.reason ?? input.note ?? '';
      const view = await tx.onCase(caseId, async (current) => {
        const d = dossierOf(current);
        assertAllowed(op, d);
        const at = now().toISOString();
        switch (op) {
          case 'receive':
            return commit(current, (n) => setDossier(n, { status: DOSSIER_STATUS.received, receivedAt: at }), [{ type: 'dossier.received', by }], by);
          case 'refuse':
            return close(current, DOSSIER_STATUS.refused, requireReason(reason, op), op, by);
          case 'withdraw':
            return close(current, DOSSIER_STATUS.withdrawn, requireReason(reason, op), op, by);
          case 'stop':
            return close(current, DOSSIER_STATUS.stopped, requireReason(reason, op), op, by);
          case 'supplement-request': {
            const { properties } = await procedures.facts(current.procedureKey, current.procedureVersion);
            return requestSupplement(current, d, requireReason(reason, op), input.items ?? [], by, properties, input.justification?.trim() || null);
          }
          case 'payment-request':
            return requestPayment(current, requireReason(reason, op), input.amount ?? null, by);
          case 'transfer':
            return transfer(current, d, input, by);
          case 'return-result':
            return commit(
              current,
              (n) => setDossier(n, { status: DOSSIER_STATUS.returned, returnedAt: at }),
              [{ type: 'dossier.result-returned', by, data: { note: input.note ?? null } }],
              by,
            );
          default:
            return answer(current, d, op, input);
        }
      });
      // Receipt after an online submission starts processing once the receipt is committed.
      return op === 'receive' ? startEngine(view.id, by) : view;
    },
  };

  function requireReason(reason: string, op: Operation): string {
    if (!reason.trim()) throw badRequest('REASON_REQUIRED', `'${op}' needs a written reason`);
    return reason;
  }

  function requestSupplement(current: CaseDoc, d: DossierInfo, reason: string, items: string[], by: string, properties: Record<string, string>, justification: string | null) {
    const before = isBeforeReceipt(d);
    const data: Record<string, unknown> = { reason, items };
    return commit(
      current,
      (next, deadlines) => {
        // Before receipt it is the desk's completeness check: no clock, no limits (docs/forms.md).
        const rules = before ? null : assessSupplement(d, properties, deadlines.calendar, new Date(next.updatedAt));
        if (rules) enforceSupplementRules(rules, properties, justification);
        const supplement = {
          requestedAt: next.updatedAt,
          requestedBy: by,
          reason,
          items,
          phase: before ? ('before-receipt' as const) : ('processing' as const),
          receivedAt: null,
          previousDueAt: next.clock?.dueAt ?? null,
          newDueAt: null,
          ...(rules ? supplementRecordFields(rules, justification) : {}),
        };
        setDossier(next, { status: DOSSIER_STATUS.supplementRequested, supplements: [...d.supplements, supplement] });
        // Before receipt no clock runs; during processing it stops until the applicant answers.
        if (!before && !next.clock?.pausedAt) pauseAll(deadlines, next, `supplement: ${reason}`);
        // A late request stays counted late, as an apology does (supplementLateInSla).
        if (rules?.lateInSla && next.clock) next.clock = { ...next.clock, everLate: true };
        // The history record is written after this callback: it carries the assessment.
        if (rules) Object.assign(data, { ordinal: rules.ordinal, late: rules.late, breaches: rules.breaches, justification });
      },
      [{ type: 'dossier.supplement-requested', by, data }],
      by,
    );
  }

  function requestPayment(current: CaseDoc, reason: string, amount: number | null, by: string) {
    return commit(
      current,
      (next, deadlines) => {
        const d = next.dossier as DossierInfo;
        setDossier(next, { payments: [...d.payments, { requestedAt: next.updatedAt, amount, reason, paidAt: null }] });
        if (!next.clock?.pausedAt) pauseAll(deadlines, next, `payment: ${reason}`);
      },
      [{ type: 'dossier.payment-requested', by, data: { reason, amount } }],
      by,
    );
  }

  async function transfer(current: CaseDoc, d: DossierInfo, input: OperationInput, by: string) {
    const toUnitId = input.toUnitId;
    if (!toUnitId) throw badRequest('UNIT_REQUIRED', "'transfer' needs toUnitId");
    if (d.transfer) throw conflict('ALREADY_TRANSFERRED', `the dossier is already at ${d.transfer.toUnitId}`);
    const [, facts] = await Promise.all([activeUnit(toUnitId, 'toUnitId'), procedures.facts(current.procedureKey, current.procedureVersion)]);
    checkTransferUnits(input.scope ?? { all: true }, { fromUnitId: d.currentUnitId, toUnitId }, facts.properties);
    return commit(
      current,
      (next) => {
        moveWork(next, d.currentUnitId, toUnitId);
        const handover = handoverRow(next.updatedAt, 'Transfer (liên thông)', by, d.currentUnitId, toUnitId, 'transferred', input.note);
        setDossier(next, {
          transfer: { fromUnitId: d.currentUnitId, toUnitId, at: next.updatedAt, note: input.note ?? null },
          currentUnitId: toUnitId,
          unitIds: [...new Set([...d.unitIds, toUnitId])],
          handovers: [...d.handovers, handover],
        });
      },
      [{ type: 'dossier.transferred', by, data: { toUnitId, note: input.note ?? null } }],
      by,
    );
  }

  /** The applicant answered (supplement, payment) or a transfer came back. */
  async function answer(current: CaseDoc, d: DossierInfo, op: Operation, input: OperationInput): Promise<CaseView> {
    const by = input.by;
    if (op === 'transfer-return' && !d.transfer) throw conflict('NOT_TRANSFERRED', 'the dossier is not at another unit');
    const returnTransfer = (next: CaseDoc) => {
      const transfer = (next.dossier as DossierInfo).transfer;
      if (op !== 'transfer-return' || !transfer) return;
      const dossier = next.dossier as DossierInfo;
      moveWork(next, transfer.toUnitId, transfer.fromUnitId);
      const row = handoverRow(next.updatedAt, 'Result of the transfer', by, transfer.toUnitId, transfer.fromUnitId, input.result ?? 'returned', input.note);
      setDossier(next, { transfer: null, currentUnitId: transfer.fromUnitId, handovers: [...dossier.handovers, row] });
    };
    const record = { type: `dossier.${op}`, by, data: { note: input.note ?? null, items: input.items ?? [], result: input.result ?? null } };
    const message = MESSAGE_FOR[op];
    const wait = message ? cases.locked.findWait(current, 'message', (w) => w.messageName === message) : undefined;
    if (wait) {
      // The diagram waits for this answer: deliver it as its message in the same commit; the
      // dossier rules close the supplement or payment the wait had opened.
      const next = await cases.locked.step(current, {
        action: { type: 'signal', wait },
        data: input.data ?? {},
        records: [record],
        origin: { kind: 'client', by },
        mutate: returnTransfer,
      });
      return caseView(next);
    }
    return commit(
      current,
      (next, deadlines) => {
        returnTransfer(next);
        const answered = op === 'supplement-received' || op === 'payment-received';
        const open = next.dossier as DossierInfo;
        // The clock runs again only when nothing else is awaited from the applicant.
        const otherOpen =
          op === 'supplement-received'
            ? open.payments.some((p) => p.paidAt === null)
            : open.supplements.some((s) => s.phase === 'processing' && s.receivedAt === null);
        if (answered && next.clock?.pausedAt && !otherOpen) resumeAll(deadlines, next);
        const dossier = next.dossier as DossierInfo;
        const at = next.updatedAt;
        if (op === 'supplement-received') {
          const supplements = dossier.supplements.map((s) => (s.receivedAt === null ? { ...s, receivedAt: at, newDueAt: next.clock?.dueAt ?? null } : s));
          const status = isBeforeReceipt(dossier) ? DOSSIER_STATUS.submitted : dossier.status;
          setDossier(next, { supplements, status });
        }
        if (op === 'payment-received') setDossier(next, { payments: dossier.payments.map((p) => (p.paidAt === null ? { ...p, paidAt: at } : p)) });
      },
      [record],
      by,
    );
  }
}

/** Open tasks of one unit now belong to another (transfer, its return, reassignment). */
export function moveWork(next: CaseDoc, fromUnitId: string, toUnitId: string): void {
  next.waits = next.waits.map((w) => (w.kind === 'task' && w.unitId === fromUnitId ? { ...w, unitId: toUnitId } : w));
}

function handoverRow(at: string, step: string, by: string, from: string, to: string, result: string, note?: string) {
  return {
    at,
    step,
    activityId: null,
    from: { person: by, unitId: from },
    to: { person: null, unitId: to },
    result,
    note: note ?? null,
    stepSla: null,
    stepDueAt: null,
  };
}

export type DossierService = ReturnType<typeof createDossierService>;
