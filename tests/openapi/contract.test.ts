/**
 * Issue 11: the served /openapi.json is a contract. Two OpenAPI parsers accept it as 3.1;
 * every registered route is in it with an operationId, its permission and its error responses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import SwaggerParser from '@apidevtools/swagger-parser';
import { validate as readmeValidate } from '@readme/openapi-parser';
import { registeredRoutes } from '../../src/http/openapi-contract.js';
import { startService, type TestService } from '../support/harness.js';

type Op = { operationId?: string; 'x-permission'?: string; security?: unknown[]; deprecated?: boolean; responses: Record<string, { content?: Record<string, unknown> }> };
type Doc = { openapi: string; paths: Record<string, Record<string, Op>>; tags: { name: string; description?: string }[]; components: { schemas: Record<string, unknown> } };

describe('the served OpenAPI document', () => {
  let service: TestService;
  let doc: Doc;

  beforeAll(async () => {
    service = await startService('openapi_contract', { background: false });
    const res = await service.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    doc = res.json<Doc>();
  }, 120_000);

  afterAll(async () => {
    await service?.destroy();
  });

  it('is valid OpenAPI 3.1 for @apidevtools/swagger-parser and @readme/openapi-parser', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await expect(SwaggerParser.validate(structuredClone(doc) as never)).resolves.toBeDefined();
    const result = await readmeValidate(structuredClone(doc) as never);
    expect(result.valid, JSON.stringify(result)).toBe(true);
  });

  it('names every operation, documents its permission and the errors it can return', () => {
    const ids = new Set<string>();
    const missing: string[] = [];
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        if (!op.operationId) missing.push(`${where}: no operationId`);
        else if (ids.has(op.operationId)) missing.push(`${where}: duplicate operationId ${op.operationId}`);
        else ids.add(op.operationId);
        const isPublic = Array.isArray(op.security) && op.security.length === 0;
        const expected = ['400', '500', '503', ...(isPublic ? [] : ['401', '403', '429']), ...(path.includes('{') ? ['404'] : [])];
        if (!isPublic && !op['x-permission']) missing.push(`${where}: no x-permission`);
        for (const status of expected) {
          const response = op.responses[status];
          if (!response?.content?.['application/problem+json']) missing.push(`${where}: ${status} undocumented`);
        }
      }
    }
    expect(missing).toEqual([]);
  });

  it('has every registered route, tags with descriptions and named resource schemas', () => {
    const routes = registeredRoutes(service.container.app);
    expect(routes.length).toBeGreaterThan(40);
    for (const route of routes) {
      const op = doc.paths[route.path]?.[route.method.toLowerCase()];
      expect(op, `${route.method} ${route.path}`).toBeDefined();
      if (!route.public) expect(op?.['x-permission'], `${route.method} ${route.path}`).toBe(route.permission);
    }
    for (const tag of doc.tags) expect(tag.description, tag.name).toBeTruthy();
    const used = new Set(Object.values(doc.paths).flatMap((item) => Object.values(item).flatMap((op) => (op as { tags?: string[] }).tags ?? [])));
    for (const name of used) expect(doc.tags.map((t) => t.name), name).toContain(name);
    for (const schema of ['Case', 'Task', 'Error', 'Problem']) expect(doc.components.schemas[schema], schema).toBeDefined();
  });

  it('has one route per dossier command with its required body; the generic route is a deprecated alias', async () => {
    type Body = { content: Record<string, { schema: { required?: string[] } }> };
    const body = (path: string) => (doc.paths[path]?.post as unknown as { requestBody?: Body })?.requestBody?.content['application/json']?.schema;
    expect(body('/v1/dossiers/{id}/transfer')?.required).toEqual(['toUnitId']);
    expect(body('/v1/dossiers/{id}/supplement-request')?.required).toEqual(['reason']);
    expect(doc.paths['/v1/dossiers/{id}/transfer']?.post?.operationId).toBe('transferDossier');
    expect(doc.paths['/v1/dossiers/{id}/{operation}']?.post?.deprecated).toBe(true);
    const refused = await service.inject({ method: 'POST', url: '/v1/dossiers/nope/transfer', payload: {} });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('VALIDATION_FAILED');
  });
});
