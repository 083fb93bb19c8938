/**
 * Routes typed from their own JSON schemas (issue 11): params, query, body and replies are
 * inferred by json-schema-to-ts, so a schema change is a type error where a handler disagrees.
 */
import type { JsonSchemaToTsProvider } from '@fastify/type-provider-json-schema-to-ts';
import type { FastifyInstance } from 'fastify';
import type { sharedSchemas } from './schemas.js';

type References = [...typeof sharedSchemas];
/** Requests: ajv has applied defaults, so a defaulted property is present. Replies: as written. */
type SchemaProvider = JsonSchemaToTsProvider<{
  ValidatorSchemaOptions: { references: References };
  SerializerSchemaOptions: { references: References; keepDefaultedPropertiesOptional: true };
}>;

/** The instance a route module registers on: every route's types come from its schema. */
export type TypedApp = ReturnType<typeof typedRoutes>;

export function typedRoutes(app: FastifyInstance) {
  return app.withTypeProvider<SchemaProvider>();
}
