/**
 * One route per dossier command (issue 11), each with the body it needs; they run the same
 * handler as the generic `POST /v1/dossiers/{id}/{operation}`, which stays one release as a
 * deprecated alias (openapi-contract.ts marks it).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FromSchema } from 'json-schema-to-ts';
import type { Operation } from '../../dossiers/lifecycle.js';
import { dataSchema, errorResponses } from '../schemas.js';

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;

/** Every field a command may carry: the generic route's body; each command's body requires a subset. */
export const commandBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    reason: text(2000),
    note: text(2000),
    result: text(500),
    items: { type: 'array', maxItems: 100, items: text(300) },
    amount: { type: 'number', minimum: 0 },
    toUnitId: text(100),
    data: dataSchema,
    justification: text(2000),
    actor: text(200),
  },
} as const;

export type CommandBody = FromSchema<typeof commandBodySchema>;

/** Runs one command for a request (scope and actor come from the request). */
export type CommandHandler = (request: FastifyRequest, target: { id: string; operation: Operation }, body: CommandBody) => Promise<unknown>;

const reason = text(2000);
const common = { note: text(2000), data: dataSchema, actor: text(200) };

/** Each command: its operationId, summary, and the fields it requires. */
export const commands: Record<Operation, { operationId: string; summary: string; required: string[]; properties: Record<string, unknown> }> = {
  receive: { operationId: 'receiveSubmittedDossier', summary: 'Receive an online submission at the desk (status 1 → 2)', required: [], properties: {} },
  refuse: { operationId: 'refuseDossier', summary: 'Refuse a dossier before receipt, with a written reason', required: ['reason'], properties: { reason } },
  'supplement-request': {
    operationId: 'requestDossierSupplement',
    summary:
      'Ask the applicant for a supplement (clock paused): reason and the missing items; beyond supplementMax or after the procedure window: ' +
      '409 SUPPLEMENT_LIMIT_REACHED / SUPPLEMENT_WINDOW_PASSED, or, where the procedure allows it, accepted with a justification and counted late',
    required: ['reason'],
    properties: { reason, items: { type: 'array', maxItems: 100, items: text(300) }, justification: text(2000) },
  },
  'supplement-received': { operationId: 'receiveDossierSupplement', summary: 'The supplement arrived (clock resumes)', required: [], properties: {} },
  'payment-request': {
    operationId: 'requestDossierPayment',
    summary: 'Ask the applicant to pay (clock paused): reason and amount',
    required: ['reason'],
    properties: { reason, amount: { type: 'number', minimum: 0 } },
  },
  'payment-received': { operationId: 'receiveDossierPayment', summary: 'The payment arrived (clock resumes)', required: [], properties: {} },
  stop: { operationId: 'stopDossier', summary: 'Stop processing, with a written reason', required: ['reason'], properties: { reason } },
  withdraw: { operationId: 'withdrawDossier', summary: 'The applicant withdraws the dossier, with a written reason', required: ['reason'], properties: { reason } },
  transfer: { operationId: 'transferDossier', summary: 'Hand the dossier to another unit', required: ['toUnitId'], properties: { toUnitId: text(100), reason } },
  'transfer-return': { operationId: 'returnDossierTransfer', summary: 'Give a transferred dossier back to the unit that sent it', required: [], properties: { reason, result: text(500) } },
  'return-result': { operationId: 'returnDossierResult', summary: 'Hand the result to the applicant (status 9 → 10)', required: [], properties: { result: text(500) } },
};

/** Registers `POST /v1/dossiers/:id/<command>` for every command, answering like the generic route. */
export function dossierCommandRoutes(app: FastifyInstance, handle: CommandHandler, response: unknown): void {
  for (const [operation, command] of Object.entries(commands) as [Operation, (typeof commands)[Operation]][]) {
    // Generated from the table, so typed by the schema every command body narrows (commandBodySchema).
    app.post<{ Params: { id: string }; Body: CommandBody }>(
      `/v1/dossiers/:id/${operation}`,
      {
        config: { permission: 'cases:advance' },
        schema: {
          tags: ['dossiers'],
          operationId: command.operationId,
          summary: `${command.summary}; 409 when the dossier's status does not allow it`,
          params: { type: 'object', required: ['id'], properties: { id: text(200) } },
          body: { type: 'object', additionalProperties: false, required: command.required, properties: { ...common, ...command.properties } },
          response: { 200: response, ...errorResponses(404, 409, 422) },
        },
      },
      async (request) => handle(request, { id: request.params.id, operation }, request.body),
    );
  }
}
