/** The documented error shape (docs/api-errors.md): `{ error: { code, message, details? } }`, JSON. */
export function errorShapeProblem(status: number, contentType: string | undefined, body: string, allowedExtra: readonly string[] = []): string | null {
  if (!/^application\/json/.test(contentType ?? '')) return `${status} with content-type ${contentType ?? 'none'}`;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `${status} body is not JSON: ${body.slice(0, 120)}`;
  }
  const error = (parsed as { error?: unknown }).error as { code?: unknown; message?: unknown } | undefined;
  if (!error || typeof error !== 'object') return `${status} body has no error object: ${body.slice(0, 120)}`;
  if (typeof error.code !== 'string' || !/^[A-Z][A-Z0-9_]+$/.test(error.code)) return `${status} error.code is not a stable code: ${body.slice(0, 120)}`;
  if (/^(FST|ERR|HPE)_/.test(error.code)) return `${status} leaks a framework code ${error.code}`;
  if (typeof error.message !== 'string' || error.message.length === 0) return `${status} error.message missing: ${body.slice(0, 120)}`;
  const extra = Object.keys(parsed as object).filter((k) => k !== 'error' && !allowedExtra.includes(k));
  if (extra.length > 0) return `${status} body has extra top-level keys ${extra.join(', ')}`;
  return null;
}

/**
 * Camunda Modeler shows a failed deploy only in its engine's shape, so the Camunda 7 routes add
 * `type`, `message`, `details` beside our `error` (docs/diagrams.md, "Deploy from Camunda Modeler").
 */
const MODELER_EXTRA = ['type', 'message', 'details'] as const;

export function assertErrorShape(res: { statusCode: number; headers: Record<string, unknown>; body: string }, path = ''): string | null {
  const extra = path.startsWith('/engine-rest/') ? MODELER_EXTRA : [];
  return errorShapeProblem(res.statusCode, res.headers['content-type'] as string | undefined, res.body, extra);
}
