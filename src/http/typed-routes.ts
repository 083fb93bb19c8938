/**
 * Routes typed from their own JSON schemas (issue 11): params, query, body and replies are
 * inferred by json-schema-to-ts, so a schema change is a type error where a handler disagrees.
 */
import type { FastifyInstance, FastifyTypeProvider } from 'fastify';
import type { FromSchema, JSONSchema } from 'json-schema-to-ts';
import type { sharedSchemas } from './schemas.js';

type References = [...typeof sharedSchemas];

/**
 * A reply type without json-schema-to-ts's `[x: string]: unknown` index signatures: an open
 * schema lets a reply carry more than it declares, and the domain's interfaces (which have no
 * index signature) must be returnable as they are. Declared properties stay checked.
 */
type Open<T> = T extends readonly (infer U)[]
  ? Open<U>[]
  : T extends object
    ? { [K in keyof T as string extends K ? never : K]: Open<T[K]> }
    : T;

/** Requests: ajv has applied defaults, so a defaulted property is present. Replies: as written. */
interface SchemaProvider extends FastifyTypeProvider {
  validator: this['schema'] extends JSONSchema ? FromSchema<this['schema'], { references: References }> : unknown;
  serializer: this['schema'] extends JSONSchema ? Open<FromSchema<this['schema'], { references: References; keepDefaultedPropertiesOptional: true }>> : unknown;
}

/** The instance a route module registers on: every route's types come from its schema. */
export function typedRoutes(app: FastifyInstance) {
  return app.withTypeProvider<SchemaProvider>();
}
