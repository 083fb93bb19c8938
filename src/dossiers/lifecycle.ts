import { conflict } from '../domain/errors.js';
import { STATUS_NAMES, type DossierInfo, type DossierStatus } from './types.js';

/** Lifecycle operations and the portal statuses they may start from (docs/dossiers.md). */
export const OPERATIONS = {
  receive: [1],
  refuse: [1, 5],
  'supplement-request': [1, 4],
  'supplement-received': [5],
  'payment-request': [4],
  'payment-received': [6],
  stop: [4, 5, 6],
  withdraw: [1, 2, 4, 5, 6],
  transfer: [4],
  'transfer-return': [4, 5, 6],
  'return-result': [9],
} as const satisfies Record<string, readonly DossierStatus[]>;

export type Operation = keyof typeof OPERATIONS;

export const isBeforeReceipt = (d: DossierInfo): boolean => d.receivedAt === null;

/** 409 unless `op` is allowed now. */
export function assertAllowed(op: Operation, d: DossierInfo): void {
  const allowed = (OPERATIONS[op] as readonly DossierStatus[]).includes(d.status);
  // Refusal happens at the desk before receipt; stopping is for dossiers being processed.
  const wrongPhase = (op === 'refuse' && !isBeforeReceipt(d)) || (op === 'stop' && isBeforeReceipt(d));
  if (!allowed || wrongPhase) {
    throw conflict('INVALID_TRANSITION', `'${op}' is not allowed while the dossier is ${STATUS_NAMES[d.status]} (${d.status})`, {
      operation: op,
      status: d.status,
      allowedFrom: OPERATIONS[op],
    });
  }
}
