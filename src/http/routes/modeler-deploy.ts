/**
 * Deploy from Camunda Modeler with no plugin (docs/diagrams.md, "Deploy from Camunda Modeler"):
 * the part of Camunda 7's REST API (`/engine-rest`) and of Camunda 8's REST v2 (`/camunda/v2`)
 * that the Modeler's deploy dialog calls — its connection check and the multipart deployment.
 * Every file goes through ProcedureService.publish, so the rules are those of POST /v1/procedures.
 * Errors are answered in the body each mode displays, with our coded envelope inside.
 */
import multipart from '@fastify/multipart';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ProcedureService } from '../../cases/procedure-service.js';
import type { DecisionService } from '../../decisions/decision-service.js';
import { DomainError } from '../../domain/errors.js';
import { createModelerDeployments, MAX_FILES, type DeploymentFile } from '../../modeler/deployment.js';
import {
  CAMUNDA7_VERSION,
  DEFAULT_TENANT,
  camunda7Deployment,
  camunda7Error,
  camunda8Deployment,
  camunda8Topology,
  problemLines,
  type CodedError,
} from '../../modeler/camunda-shapes.js';
import { actorOf } from '../actor.js';
import { describeError, problemOf } from '../errors.js';
import { findProblem, inputError } from '../input-guard.js';
import { errorResponses } from '../schemas.js';
import { typedRoutes } from '../typed-routes.js';

export const CAMUNDA7_BASE = '/engine-rest';
export const CAMUNDA8_BASE = '/camunda';

/** The Modeler's connection check proves the key may deploy: every route needs the publish permission. */
const routeConfig = { permission: 'procedures:publish', basicAuth: true } as const;
/** Documents the Basic alternative (src/auth/openapi.ts) so clients and the access matrix see it. */
const security: Record<string, string[]>[] = [{ bearerAuth: [] }, { modelerBasic: [] }];
const CAMUNDA7_FIELDS = new Set(['deployment-name', 'deployment-source', 'enable-duplicate-filtering', 'deploy-changed-only', 'tenant-id']);
const FIELD_MAX_BYTES = 4096;
const utf8 = new TextDecoder('utf-8', { fatal: true });

interface Form {
  fields: Map<string, string>;
  files: (DeploymentFile & { field: string })[];
}

/** Reads the whole form; files count against the body limit of publishing, all together. */
async function readForm(request: FastifyRequest, maxBytes: number): Promise<Form> {
  if (!request.isMultipart()) {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', 'send the files as multipart/form-data / hãy gửi tệp dạng multipart/form-data', 415);
  }
  const form: Form = { fields: new Map(), files: [] };
  let total = 0;
  for await (const part of request.parts()) {
    if (part.type === 'field') {
      form.fields.set(part.fieldname, String(part.value));
      continue;
    }
    const bytes = await part.toBuffer();
    total += bytes.length;
    if (total > maxBytes) {
      throw new DomainError('BODY_TOO_LARGE', `the files exceed ${maxBytes} bytes together / tổng dung lượng tệp vượt ${maxBytes} byte`, 413, { maxBytes });
    }
    const name = part.filename || part.fieldname;
    let xml: string;
    try {
      xml = utf8.decode(bytes);
    } catch {
      throw new DomainError('UNSUPPORTED_CHARSET', `'${name}' is not UTF-8: save it as UTF-8 / tệp '${name}' phải dùng bảng mã UTF-8`, 415, { resource: name });
    }
    const problem = findProblem(xml, `body/${name}`, false);
    if (problem) throw inputError(problem);
    form.files.push({ field: part.fieldname, name, xml });
  }
  return form;
}

function flag(form: Form, name: string): boolean {
  const value = form.fields.get(name);
  if (value === undefined) return false;
  if (value === 'true' || value === 'false') return value === 'true';
  throw new DomainError('VALIDATION_FAILED', `form field '${name}' must be true or false`, 400, { field: name });
}

function refuseTenant(tenant: string | undefined): void {
  if (tenant === undefined || tenant === '' || tenant === DEFAULT_TENANT) return;
  throw new DomainError(
    'TENANT_NOT_SUPPORTED',
    `tenant '${tenant.slice(0, 80)}' cannot be deployed to: this service has no tenants; clear the tenant id in the deploy dialog / hệ thống không phân tenant, hãy để trống Tenant ID`,
    400,
    { tenantId: tenant.slice(0, 80) },
  );
}

const coded = (err: FastifyError | Error): CodedError => {
  const described = describeError(err);
  return { status: described.status, ...described.body.error };
};

function logFailure(request: FastifyRequest, err: Error, e: CodedError): void {
  if (e.status >= 500 && e.status !== 503) request.log.error({ err }, 'unhandled error');
  else request.log.info({ code: e.code, status: e.status }, 'modeler deployment refused');
}

/** Sent as built: the routes' schemas describe our envelope, not these bodies. */
const sendRaw = (reply: FastifyReply, status: number, type: string, body: unknown) =>
  reply.status(status).type(type).serializer(JSON.stringify).send(body);

const deploymentSchema = {
  type: 'object',
  additionalProperties: true,
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    deploymentTime: { type: 'string' },
    deployedProcessDefinitions: { type: 'object', additionalProperties: { type: 'object', additionalProperties: true } },
  },
} as const;

export async function modelerDeployRoutes(app: FastifyInstance, opts: { procedures: ProcedureService; decisions?: DecisionService }): Promise<void> {
  const deployments = createModelerDeployments(opts.procedures, opts.decisions);
  const maxBytes = app.initialConfig.bodyLimit ?? 1024 * 1024;
  // Only these routes parse multipart; limits in parts, the byte total is checked in readForm.
  await app.register(multipart, {
    limits: { fileSize: maxBytes, files: MAX_FILES + 1, fields: 20, fieldSize: FIELD_MAX_BYTES, parts: MAX_FILES + 21 },
    throwFileSizeLimit: true,
  });

  await app.register(async (server) => {
    const c7 = typedRoutes(server);
    c7.setErrorHandler((err: FastifyError, request, reply) => {
      const e = coded(err);
      logFailure(request, err, e);
      return sendRaw(reply, e.status, 'application/json; charset=utf-8', camunda7Error(e));
    });

    c7.get(
      `${CAMUNDA7_BASE}/version`,
      {
        config: routeConfig,
        schema: {
          operationId: 'getCamunda7Version',
          tags: ['procedures'],
          security,
          summary: 'Camunda 7 REST: the API version (Camunda Modeler connection check)',
          response: { 200: { type: 'object', properties: { version: { type: 'string' } } }, ...errorResponses() },
        },
      },
      async () => ({ version: CAMUNDA7_VERSION }),
    );

    c7.get(
      `${CAMUNDA7_BASE}/deployment`,
      {
        config: routeConfig,
        schema: {
          operationId: 'listCamunda7Deployments',
          tags: ['procedures'],
          security,
          summary: 'Camunda 7 REST: deployments, one per procedure at its latest version (the Modeler asks for maxResults=0)',
          querystring: {
            type: 'object',
            properties: { maxResults: { type: 'integer', minimum: 0, maximum: 200, default: 50 }, firstResult: { type: 'integer', minimum: 0, default: 0 } },
          },
          response: { 200: { type: 'array', items: { type: 'object', additionalProperties: true } }, ...errorResponses() },
        },
      },
      async (request) => {
        const { maxResults = 50, firstResult = 0 } = request.query;
        if (maxResults === 0) return [];
        const list = await opts.procedures.list();
        return list.slice(firstResult, firstResult + maxResults).map((p) => ({
          links: [],
          id: `${p.key}@${p.latestVersion}`,
          name: p.name,
          source: null,
          deploymentTime: null,
          tenantId: null,
        }));
      },
    );

    c7.post(
      `${CAMUNDA7_BASE}/deployment/create`,
      {
        config: routeConfig,
        schema: {
          operationId: 'createCamunda7Deployment',
          tags: ['procedures'],
          security,
          summary: "Camunda 7 REST: deploy .bpmn files as Camunda Modeler's Deploy button sends them",
          description:
            'multipart/form-data: `deployment-name`, `deployment-source`, `enable-duplicate-filtering`, `deploy-changed-only`, `tenant-id` (must be empty) and one part per file. ' +
            'Each file is published as by POST /v1/procedures; an equal diagram answers its existing version. Errors: `{type, message, details?, error: {code, message, details}}`. ' +
            'Authorization: Bearer <key>, or Basic with the key as password.',
          consumes: ['multipart/form-data'],
          response: { 200: deploymentSchema, ...errorResponses(413, 415, 422, 503) },
        },
      },
      async (request, reply) => {
        const form = await readForm(request, maxBytes);
        const unknown = [...form.fields.keys()].find((f) => !CAMUNDA7_FIELDS.has(f));
        if (unknown) throw new DomainError('UNKNOWN_FIELD', `form field '${unknown.slice(0, 80)}' is not supported / trường '${unknown.slice(0, 80)}' không được hỗ trợ`, 400, { field: unknown.slice(0, 80) });
        refuseTenant(form.fields.get('tenant-id'));
        // Dedupe is a rule of publishing: both flags ask for what always happens (docs/diagrams.md).
        flag(form, 'enable-duplicate-filtering');
        flag(form, 'deploy-changed-only');
        const name = form.fields.get('deployment-name') ?? form.files[0]?.name ?? 'deployment';
        const outcome = await deployments.deploy(name, form.files, actorOf(request));
        request.log.info({ deployment: outcome.id, versions: outcome.versions.map((v) => `${v.key}@${v.version}`) }, 'modeler deployment (Camunda 7)');
        const self = `${request.protocol}://${request.host}${CAMUNDA7_BASE}/deployment/${encodeURIComponent(outcome.id)}`;
        return reply.status(200).send(camunda7Deployment(outcome, form.fields.get('deployment-source') ?? null, self));
      },
    );
  });

  await app.register(async (server) => {
    const c8 = typedRoutes(server);
    c8.setErrorHandler((err: FastifyError, request, reply) => {
      const e = coded(err);
      logFailure(request, err, e);
      const problem = { ...problemOf({ status: e.status, body: { error: { code: e.code, message: e.message, details: e.details } } }, request.url.slice(0, 200)), detail: problemLines(e) };
      return sendRaw(reply, e.status, 'application/problem+json; charset=utf-8', problem);
    });

    c8.get(
      `${CAMUNDA8_BASE}/v2/topology`,
      {
        config: routeConfig,
        schema: {
          operationId: 'getCamunda8Topology',
          tags: ['procedures'],
          security,
          summary: 'Camunda 8 REST v2: the cluster topology (Camunda Modeler connection check)',
          response: { 200: { type: 'object', additionalProperties: true, properties: { gatewayVersion: { type: 'string' } } }, ...errorResponses() },
        },
      },
      async () => camunda8Topology(),
    );

    c8.post(
      `${CAMUNDA8_BASE}/v2/deployments`,
      {
        config: routeConfig,
        schema: {
          operationId: 'createCamunda8Deployment',
          tags: ['procedures'],
          security,
          summary: 'Camunda 8 REST v2: deploy the `resources` parts as Camunda Modeler (Camunda 8 mode) sends them',
          description:
            'multipart/form-data: one `resources` part per file and an optional `tenantId` (empty or `<default>`). Each file is published as by POST /v1/procedures. ' +
            'Errors: RFC 9457 problem details with our `code` and `error` envelope. Authorization: Bearer <key>, or Basic with the key as password.',
          consumes: ['multipart/form-data'],
          response: { 200: { type: 'object', additionalProperties: true, properties: { deploymentKey: { type: 'string' } } }, ...errorResponses(413, 415, 422, 503) },
        },
      },
      async (request, reply) => {
        const form = await readForm(request, maxBytes);
        const unknown = [...form.fields.keys()].find((f) => f !== 'tenantId') ?? form.files.find((f) => f.field !== 'resources')?.field;
        if (unknown) throw new DomainError('UNKNOWN_FIELD', `form field '${unknown.slice(0, 80)}' is not supported: send files as 'resources' / trường '${unknown.slice(0, 80)}' không được hỗ trợ`, 400, { field: unknown.slice(0, 80) });
        refuseTenant(form.fields.get('tenantId'));
        const outcome = await deployments.deploy(form.files[0]?.name ?? 'deployment', form.files, actorOf(request));
        request.log.info({ deployment: outcome.id, versions: outcome.versions.map((v) => `${v.key}@${v.version}`) }, 'modeler deployment (Camunda 8)');
        return reply.status(200).send(camunda8Deployment(outcome));
      },
    );
  });
}
