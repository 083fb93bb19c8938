import type { FastifyInstance } from 'fastify';
import type { DecisionService } from '../../decisions/decision-service.js';
import { actorOf } from '../actor.js';
import { errorResponses, idParam } from '../schemas.js';
import { mangledFormBody } from './procedures.js';
import { typedRoutes } from '../typed-routes.js';

/** DMN decisions, versioned like procedures (docs/decisions.md); publishing needs the procedure publisher's permission. */

const versionView = {
  type: 'object',
  additionalProperties: false,
  required: ['key', 'version', 'name', 'hitPolicy'],
  properties: {
    key: { type: 'string' },
    version: { type: 'integer' },
    name: { type: 'string' },
    hitPolicy: { type: 'string' },
    hash: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
} as const;

const versionParams = {
  type: 'object',
  required: ['key', 'version'],
  properties: { key: { type: 'string', minLength: 1, maxLength: 200 }, version: { type: 'integer', minimum: 1 } },
} as const;

const published = {
  type: 'object',
  required: ['decisions'],
  properties: {
    name: { type: 'string' },
    decisions: { type: 'array', items: { type: 'object', additionalProperties: false, properties: { ...versionView.properties, created: { type: 'boolean' } } } },
  },
} as const;

export async function decisionRoutes(server: FastifyInstance, opts: { decisions: DecisionService }): Promise<void> {
  const app = typedRoutes(server);
  const { decisions } = opts;

  app.post(
    '/v1/decisions',
    {
      config: { permission: 'procedures:publish' },
      schema: {
        tags: ['decisions'],
        summary: 'Publish a DMN 1.3 file: each decision table becomes a new version of its key (the decision id) unless an equal table exists',
        consumes: ['application/xml', 'text/xml', 'application/json', 'text/plain'],
        body: {
          anyOf: [
            { type: 'string', description: 'DMN 1.3 XML' },
            { type: 'object', required: ['xml'], additionalProperties: false, properties: { xml: { type: 'string', minLength: 1 } } },
          ],
        },
        response: {
          200: { description: 'every table was already published: these are its versions', ...published },
          201: { description: 'at least one new version', ...published },
          ...errorResponses(413, 415, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const mangled = mangledFormBody(request.headers['content-type'], request.body);
      if (mangled) throw mangled;
      const xml = typeof request.body === 'string' ? request.body : request.body.xml;
      const published = await decisions.publish(xml, actorOf(request));
      request.log.info({ decisions: published.decisions.map((d) => `${d.key}@${d.version}`) }, 'decisions published');
      return reply.status(published.decisions.some((d) => d.created) ? 201 : 200).send(published);
    },
  );

  app.get(
    '/v1/decisions',
    {
      config: { permission: 'procedures:read' },
      schema: {
        tags: ['decisions'],
        summary: 'List decisions with their latest version',
        response: {
          200: {
            type: 'object',
            properties: {
              items: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: { key: { type: 'string' }, name: { type: 'string' }, latestVersion: { type: 'integer' }, versions: { type: 'integer' } },
                },
              },
            },
          },
          ...errorResponses(),
        },
      },
    },
    async () => ({ items: await decisions.list() }),
  );

  app.get(
    '/v1/decisions/:key',
    {
      config: { permission: 'procedures:read' },
      schema: {
        tags: ['decisions'],
        summary: 'All versions of a decision',
        params: idParam('key'),
        response: { 200: { type: 'object', properties: { key: { type: 'string' }, versions: { type: 'array', items: versionView } } }, ...errorResponses(404) },
      },
    },
    async (request) => ({ key: request.params.key, versions: await decisions.versions(request.params.key) }),
  );

  app.get(
    '/v1/decisions/:key/versions/:version',
    {
      config: { permission: 'procedures:read' },
      schema: {
        tags: ['decisions'],
        summary: 'One version of a decision with its table (and the tables it requires)',
        params: versionParams,
        response: {
          200: {
            type: 'object',
            additionalProperties: false,
            properties: { ...versionView.properties, tables: { type: 'array', items: { type: 'object', additionalProperties: true } } },
          },
          ...errorResponses(404),
        },
      },
    },
    async (request) => decisions.get(request.params.key, request.params.version),
  );
}
