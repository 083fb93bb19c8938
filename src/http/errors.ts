import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import { DomainError } from '../domain/errors.js';
import { localizeMessage, preferredLanguage, type MessageLanguage } from './message-language.js';

/** The one error body: `{ error: { code, message, details? } }` (docs/api-errors.md). */
export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export interface DescribedError {
  status: number;
  body: ErrorBody;
}

/** Fastify's own failures, renamed into our stable codes. */
const fastifyCodes: Record<string, { status: number; code: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'BODY_TOO_LARGE' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_INVALID_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'INVALID_CONTENT_LENGTH' },
  FST_ERR_BAD_URL: { status: 400, code: 'INVALID_URL' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'PARAM_TOO_LONG' },
  FST_UNDER_PRESSURE: { status: 503, code: 'OVERLOADED' },
};

/** A code for a 4xx that carries none of ours: never leak FST_/ERR_/HPE_ internals. */
const statusCodes: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  408: 'REQUEST_TIMEOUT',
  413: 'BODY_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  503: 'OVERLOADED',
};

const OWN_CODE = /^(?!FST_|ERR_|HPE_)[A-Z][A-Z0-9_]{1,63}$/;

const shaped = (status: number, code: string, message: string, details?: unknown): DescribedError => ({
  status,
  body: { error: details === undefined ? { code, message } : { code, message, details } },
});

/** Framework messages may quote the whole URL or body: keep them readable in logs and clients. */
const short = (message: string) => (message.length > 300 ? `${message.slice(0, 300)}…` : message);

/** Any error → status and body in the one shape; 5xx bodies say nothing of internals. */
export function describeError(err: FastifyError | Error): DescribedError {
  if (err instanceof DomainError) return shaped(err.statusCode, err.code, err.message, err.details);
  const e = err as FastifyError;
  if (e.validation) {
    return shaped(
      400,
      'VALIDATION_FAILED',
      `request ${e.validationContext ?? ''} is invalid: ${e.message}`,
      e.validation.map((v) => ({ path: v.instancePath, message: v.message, params: v.params })),
    );
  }
  const known = e.code ? fastifyCodes[e.code] : undefined;
  if (known) return shaped(known.status, known.code, short(e.message));
  if (err instanceof SyntaxError || (e.statusCode === 400 && /JSON/i.test(e.message))) return shaped(400, 'INVALID_JSON', short(e.message));
  const status = e.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code = e.code && OWN_CODE.test(e.code) ? e.code : (statusCodes[status] ?? 'BAD_REQUEST');
    return shaped(status, code, short(e.message));
  }
  if (status === 503) return shaped(503, 'OVERLOADED', 'the service is overloaded, retry later / hệ thống đang quá tải, vui lòng thử lại sau');
  return shaped(500, 'INTERNAL', 'internal error; see the service log');
}

/** RFC 9457 problem details with our stable code; `error` keeps the old envelope for one release. */
export function problemOf(described: DescribedError, instance?: string): Record<string, unknown> {
  const { code, message, details } = described.body.error;
  return {
    type: `urn:tthc:error:${code}`,
    title: STATUS_CODES[described.status] ?? 'Error',
    status: described.status,
    detail: message,
    ...(instance ? { instance } : {}),
    code,
    ...(details === undefined ? {} : { details }),
    error: described.body.error,
  };
}

/** The message in the language the client prefers (docs/api-errors.md); code and details unchanged. */
function localized(described: DescribedError, lang: MessageLanguage | null): DescribedError {
  const message = localizeMessage(described.body.error.message, lang);
  return message === described.body.error.message ? described : { ...described, body: { error: { ...described.body.error, message } } };
}

/** Clients opt in to problem+json by Accept; the `{error}` envelope stays the default this release (docs/api.md). */
export const wantsProblem = (accept: string | undefined): boolean => /application\/problem\+json/i.test(accept ?? '');

function send(reply: FastifyReply, raw: DescribedError): FastifyReply {
  const request = reply.request as FastifyRequest | undefined;
  const described = localized(raw, preferredLanguage(request?.headers['accept-language']));
  if (request && wantsProblem(request.headers.accept)) {
    return reply
      .status(described.status)
      .type('application/problem+json; charset=utf-8')
      .send(JSON.stringify(problemOf(described, request.url.slice(0, 200))));
  }
  return reply.status(described.status).send(described.body);
}

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const described = describeError(err);
    if (described.status >= 500 && described.status !== 503) request.log.error({ err }, 'unhandled error');
    return send(reply, described);
  });

  app.setNotFoundHandler((request, reply) =>
    send(reply, { status: 404, body: { error: { code: 'ROUTE_NOT_FOUND', message: `no route ${request.method} ${request.url.slice(0, 200)}` } } }),
  );
}

/** Fastify's `frameworkErrors`: router failures (bad percent-encoding, over-long params) before any route runs. */
export function frameworkErrors(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  request.log.info({ code: err.code }, 'request refused by the router');
  void send(reply, describeError(err));
}
