import type { Role } from './permissions.js';

/** Who is calling: resolved from the bearer token on every authenticated request. */
export interface Principal {
  /** The API key id, or 'bootstrap-admin' for ADMIN_API_KEY. Use it as the actor in history. */
  id: string;
  /** Human-readable label of the key (not unique). */
  name: string;
  /** The person holding the key and their job title (absent: not given at issue). */
  displayName?: string | null;
  title?: string | null;
  role: Role;
  /** Units the caller works for; scope rules in ./scope.ts. Empty for the bootstrap admin. */
  unitIds: string[];
  kind: 'api-key' | 'bootstrap';
}

export const BOOTSTRAP_ADMIN: Principal = Object.freeze({
  id: 'bootstrap-admin',
  name: 'bootstrap admin (ADMIN_API_KEY)',
  role: 'admin',
  unitIds: [] as string[],
  kind: 'bootstrap',
}) as Principal;
