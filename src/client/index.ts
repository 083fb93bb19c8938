/**
 * Typed client over openapi-fetch: paths, bodies and responses come from src/client/schema.ts,
 * generated from the served document, so a contract change is a type error in the consumer.
 */
import createClient from 'openapi-fetch';
import type { paths } from './schema.js';

export type { paths, components, operations } from './schema.js';

export interface ClientOptions {
  baseUrl: string;
  apiKey?: string;
  fetch?: (input: Request) => Promise<Response>;
}

export function tthcClient({ baseUrl, apiKey, fetch }: ClientOptions) {
  return createClient<paths>({
    baseUrl,
    headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {},
    ...(fetch ? { fetch } : {}),
  });
}

export type TthcClient = ReturnType<typeof tthcClient>;
