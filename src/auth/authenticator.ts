import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError } from '../domain/errors.js';
import { BOOTSTRAP_ADMIN, type Principal } from './principal.js';

/** Resolves a bearer token to its principal; 401 INVALID_CREDENTIALS when it is not valid. */
export type Authenticate = (token: string) => Promise<Principal>;

export interface AuthenticatorDeps {
  /** ADMIN_API_KEY; null: only issued API keys work. */
  adminApiKey: string | null;
  apiKeys: { verify(token: string): Promise<Principal | null> };
}

const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();

export const invalidCredentials = (): DomainError =>
  new DomainError('INVALID_CREDENTIALS', 'the API key is unknown, revoked or wrong', 401);

export function createAuthenticator({ adminApiKey, apiKeys }: AuthenticatorDeps): Authenticate {
  // Compare digests, so the comparison takes the same time whatever the lengths.
  const adminDigest = adminApiKey ? digest(adminApiKey) : null;
  return async (token) => {
    if (adminDigest && timingSafeEqual(digest(token), adminDigest)) return { ...BOOTSTRAP_ADMIN, unitIds: [] };
    const principal = await apiKeys.verify(token);
    if (!principal) throw invalidCredentials();
    return principal;
  };
}
