/**
 * Console sessions: a random id (the cookie) mapped, in this process's memory, to the API key
 * it was issued for. The key is re-authenticated on every request, so a revoked key ends its
 * sessions at once. One replica's sessions are not seen by another (sign in again there).
 */
import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'console_sid';
/** Sessions are short-lived: one hour from sign-in. */
export const SESSION_TTL_MS = 60 * 60 * 1000;

export interface SessionStore {
  create(apiKey: string): { id: string; expiresAt: Date };
  /** The API key of a live session; null when unknown or expired. */
  tokenOf(id: string): string | null;
  remove(id: string): void;
}

export function createSessionStore(now: () => number = Date.now): SessionStore {
  const sessions = new Map<string, { token: string; expiresAt: number }>();
  const sweep = () => {
    const t = now();
    for (const [id, s] of sessions) if (s.expiresAt <= t) sessions.delete(id);
  };
  return {
    create(apiKey) {
      sweep();
      const id = randomBytes(32).toString('base64url');
      const expiresAt = now() + SESSION_TTL_MS;
      sessions.set(id, { token: apiKey, expiresAt });
      return { id, expiresAt: new Date(expiresAt) };
    },
    tokenOf(id) {
      const s = sessions.get(id);
      if (!s) return null;
      if (s.expiresAt <= now()) {
        sessions.delete(id);
        return null;
      }
      return s.token;
    },
    remove(id) {
      sessions.delete(id);
    },
  };
}

const COOKIE_RE = new RegExp(`(?:^|;\\s*)${SESSION_COOKIE}=([A-Za-z0-9_-]{1,128})`);

/** The session id in a Cookie header; null when absent. */
export function sessionIdOf(cookieHeader: string | undefined): string | null {
  if (!cookieHeader) return null;
  return COOKIE_RE.exec(cookieHeader)?.[1] ?? null;
}
