import type { FastifyRequest } from 'fastify';

/** Who acts: the authenticated principal; the body's `actor` only names a person behind an integration key. */
export function actorOf(request: FastifyRequest, bodyActor?: string): string {
  const principal = (request as FastifyRequest & { principal?: { id: string } }).principal;
  if (principal && bodyActor) return `${principal.id}/${bodyActor}`;
  return principal?.id ?? bodyActor ?? 'api';
}
