/**
 * `Authorization: Basic` for the routes Camunda Modeler calls (`config.basicAuth`): its
 * deploy dialog offers basic or bearer only, so the API key travels as the password (the
 * user name is free: the key id helps whoever reads the Modeler's settings).
 */
const BASIC_RE = /^Basic +([A-Za-z0-9+/=]{1,1024}) *$/i;
const KEY_RE = /^[A-Za-z0-9._~+/=-]{1,512}$/;

/** The password of a Basic header when it has the form of an API key; null otherwise. */
export function basicPassword(header: string | undefined): string | null {
  const match = header ? BASIC_RE.exec(header) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return null;
  const password = decoded.slice(colon + 1);
  return KEY_RE.test(password) ? password : null;
}
