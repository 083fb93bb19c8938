/** Shared JSON schemas: they validate requests, shape responses and feed the OpenAPI document. */
export const errorSchema = {
  $id: 'Error',
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string' },
        message: { type: 'string' },
        details: {},
      },
    },
  },
} as const;

export const procedureVersionSchema = {
  $id: 'ProcedureVersion',
  type: 'object',
  required: ['key', 'version', 'name'],
  properties: {
    key: { type: 'string' },
    version: { type: 'integer' },
    name: { type: 'string' },
    hash: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

export const taskSchema = {
  $id: 'Task',
  type: 'object',
  required: ['id', 'caseId', 'activityId', 'name', 'createdAt'],
  properties: {
    id: { type: 'string' },
    caseId: { type: 'string' },
    procedureKey: { type: 'string' },
    activityId: { type: 'string' },
    name: { type: 'string' },
    candidateGroups: { type: 'array', items: { type: 'string' } },
    assignee: { type: ['string', 'null'] },
    status: { enum: ['open', 'completed', 'cancelled'] },
    createdAt: { type: 'string' },
    endedAt: { type: ['string', 'null'] },
    completedBy: { type: ['string', 'null'] },
    dueAt: { type: ['string', 'null'] },
    sla: { anyOf: [{ type: 'null' }, { $ref: 'Sla#' }] },
    escalation: { type: ['string', 'null'] },
    unitId: { type: ['string', 'null'] },
    formKey: { type: ['string', 'null'], description: 'camunda:formKey / zeebe:formDefinition of the user task' },
    formFields: {
      type: 'array',
      description: 'camunda:formData fields',
      items: {
        type: 'object',
        properties: { id: { type: 'string' }, label: { type: 'string' }, type: { type: 'string' }, defaultValue: { type: 'string' }, required: { type: 'boolean' } },
      },
    },
  },
} as const;

export const slaSchema = {
  $id: 'Sla',
  type: 'object',
  description: 'Early / on time / late against the due instant, with working minutes used vs budget',
  properties: {
    class: { enum: ['early', 'on-time', 'late'] },
    usedMinutes: { type: 'number' },
    budgetMinutes: { type: 'number' },
    dueAt: { type: 'string' },
    finishedAt: { type: 'string' },
  },
} as const;

export const caseSchema = {
  $id: 'Case',
  type: 'object',
  required: ['id', 'procedureKey', 'procedureVersion', 'status', 'data', 'tasks'],
  properties: {
    id: { type: 'string' },
    procedureKey: { type: 'string' },
    procedureVersion: { type: 'integer' },
    unitId: { type: ['string', 'null'], description: 'the unit the case belongs to (a dossier: its processing unit at receipt)' },
    businessKey: { type: ['string', 'null'], description: 'the key given at start (POST /v1/cases businessKey, a message start’s correlation key); messages correlate on it' },
    status: { enum: ['active', 'completed', 'terminated', 'incident'] },
    data: { type: 'object', additionalProperties: true },
    tasks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'activityId', 'name'],
        properties: {
          id: { type: 'string' },
          activityId: { type: 'string' },
          name: { type: 'string' },
          candidateGroups: { type: 'array', items: { type: 'string' } },
          assignee: { type: ['string', 'null'] },
          createdAt: { type: 'string' },
          dueAt: { type: ['string', 'null'] },
          unitId: { type: ['string', 'null'] },
          formKey: { type: ['string', 'null'], description: 'camunda:formKey / zeebe:formDefinition of the user task' },
          formFields: {
            type: 'array',
            description: 'camunda:formData fields',
            items: {
              type: 'object',
              properties: { id: { type: 'string' }, label: { type: 'string' }, type: { type: 'string' }, defaultValue: { type: 'string' }, required: { type: 'boolean' } },
            },
          },
        },
      },
    },
    waitingFor: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          kind: { enum: ['message', 'signal', 'timer', 'service', 'call'] },
          activityId: { type: 'string' },
          since: { type: 'string' },
          message: { type: 'string' },
          signal: { type: 'string' },
          dueAt: { type: 'string' },
          topic: { type: 'string' },
          calledElement: { type: 'string', description: 'call activity: the procedure it calls' },
          childCaseId: { type: 'string', description: 'call activity: the child case it waits for' },
        },
      },
    },
    parentCaseId: { type: ['string', 'null'], description: 'the case whose call activity started this one' },
    parentCall: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          properties: { caseId: { type: 'string' }, activityId: { type: 'string' }, executionId: { type: 'string' }, depth: { type: 'integer' } },
        },
      ],
    },
    calledCases: {
      type: 'array',
      description: 'child cases started by call activities, with their status as this case last recorded it',
      items: {
        type: 'object',
        properties: {
          caseId: { type: 'string' },
          activityId: { type: 'string' },
          executionId: { type: 'string' },
          procedureKey: { type: 'string' },
          procedureVersion: { type: 'integer' },
          unitId: { type: ['string', 'null'] },
          status: { enum: ['active', 'completed', 'error', 'terminated'] },
          startedAt: { type: 'string' },
          endedAt: { type: ['string', 'null'] },
        },
      },
    },
    endError: {
      anyOf: [{ type: 'null' }, { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } }],
      description: 'the BPMN error an error end event ended the case with',
    },
    incident: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          properties: {
            kind: { type: 'string' },
            code: { type: 'string' },
            activityId: { type: 'string' },
            executionId: { type: 'string' },
            message: { type: 'string' },
            at: { type: 'string' },
          },
        },
      ],
    },
    deadline: {
      anyOf: [
        { type: 'null' },
        {
          type: 'object',
          properties: {
            statutoryTime: { type: 'string' },
            dueAt: { type: 'string' },
            budgetMinutes: { type: 'number' },
            paused: { type: 'boolean' },
            pauses: {
              type: 'array',
              items: { type: 'object', properties: { from: { type: 'string' }, to: { type: ['string', 'null'] }, reason: { type: 'string' } } },
            },
            reminded: { type: 'boolean' },
            breached: { type: 'boolean' },
            late: { type: 'boolean' },
          },
        },
      ],
    },
    sla: { anyOf: [{ type: 'null' }, { $ref: 'Sla#' }] },
    apologies: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          at: { type: 'string' },
          by: { type: 'string' },
          reason: { type: 'string' },
          previousDueAt: { type: 'string' },
          newDueAt: { type: 'string' },
        },
      },
    },
    revision: { type: 'integer' },
    createdAt: { type: 'string' },
    updatedAt: { type: 'string' },
    endedAt: { type: ['string', 'null'] },
  },
} as const;

export const historyEntrySchema = {
  $id: 'HistoryEntry',
  type: 'object',
  required: ['seq', 'at', 'type'],
  properties: {
    seq: { type: 'integer' },
    at: { type: 'string' },
    type: { type: 'string' },
    activityId: { type: ['string', 'null'] },
    activityType: { type: ['string', 'null'] },
    by: { type: ['string', 'null'] },
    data: {},
  },
} as const;

export const sharedSchemas = [errorSchema, slaSchema, procedureVersionSchema, taskSchema, caseSchema, historyEntrySchema] as const;

export const ref = (id: string) => ({ $ref: `${id}#` });

/** The 4xx/5xx responses every route may give, in the one error shape. */
export const errorResponses = (...codes: number[]) =>
  Object.fromEntries([400, 500, ...codes].map((code) => [code, ref('Error')]));

export const pagination = {
  limit: { type: 'integer', minimum: 1, maximum: 200, default: 50 },
  offset: { type: 'integer', minimum: 0, maximum: 100_000, default: 0 },
} as const;

/** Case data: any JSON object. Keys are free: data is stored as JSON text. */
export const dataSchema = { type: 'object', additionalProperties: true, default: {} } as const;

export const idParam = <const Name extends string>(name: Name) =>
  ({
    type: 'object',
    required: [name],
    properties: { [name]: { type: 'string', minLength: 1, maxLength: 200 } } as { readonly [K in Name]: { readonly type: 'string'; readonly minLength: 1; readonly maxLength: 200 } },
  }) as const;

/** A page of a listing: the items, how many match in all, and the window asked for. */
export const pageOf = (items: object) => ({
  type: 'object',
  properties: { items: { type: 'array', items }, total: { type: 'integer' }, limit: { type: 'integer' }, offset: { type: 'integer' } },
});

/** Who acts behind an integration key; recorded as `<key>/<actor>`. */
export const actorSchema = { type: 'string', minLength: 1, maxLength: 200, description: 'the person acting behind the API key' } as const;

/** A body with a written reason (termination, stopping a clock). */
export const reasonBody = {
  type: 'object',
  required: ['reason'],
  additionalProperties: false,
  properties: { reason: { type: 'string', minLength: 1, maxLength: 2000 }, actor: actorSchema },
} as const;
