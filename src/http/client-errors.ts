/**
 * Errors Node's HTTP parser raises before Fastify sees a request (headers too large, a
 * malformed request line, bad or duplicate Content-Length, a body that never arrives). Node
 * hands us the socket; we write a complete HTTP/1.1 response in the one error shape and close.
 */
import type { Socket } from 'node:net';
import { STATUS_CODES } from 'node:http';
import type { FastifyBaseLogger } from 'fastify';
import type { ErrorBody } from './errors.js';

interface ParserError extends Error {
  code?: string;
}

const byCode: Record<string, { status: number; code: string; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    status: 431,
    code: 'HEADERS_TOO_LARGE',
    message: 'the request line and headers are too large / dòng yêu cầu và tiêu đề quá lớn',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    code: 'REQUEST_TIMEOUT',
    message: 'the request did not arrive in time / yêu cầu không được gửi đến kịp thời hạn',
  },
  HPE_INVALID_CONTENT_LENGTH: { status: 400, code: 'INVALID_CONTENT_LENGTH', message: 'Content-Length is invalid / Content-Length không hợp lệ' },
  HPE_UNEXPECTED_CONTENT_LENGTH: {
    status: 400,
    code: 'INVALID_CONTENT_LENGTH',
    message: 'Content-Length is repeated or conflicts with Transfer-Encoding / Content-Length bị lặp hoặc mâu thuẫn',
  },
};

const malformed = { status: 400, code: 'MALFORMED_REQUEST', message: 'the HTTP request is malformed / yêu cầu HTTP sai định dạng' };

/** The raw bytes of a response in our shape; `Connection: close`, since the parser state is lost. */
export function rawErrorResponse(err: ParserError): { status: number; code: string; bytes: string } {
  const known = (err.code && byCode[err.code]) || malformed;
  const body: ErrorBody = { error: { code: known.code, message: known.message } };
  const json = JSON.stringify(body);
  const head = [
    `HTTP/1.1 ${known.status} ${STATUS_CODES[known.status] ?? 'Error'}`,
    'Content-Type: application/json; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(json)}`,
    'Connection: close',
    'X-Content-Type-Options: nosniff',
  ];
  return { status: known.status, code: known.code, bytes: `${head.join('\r\n')}\r\n\r\n${json}` };
}

/** Fastify's `clientErrorHandler` (called with the instance as `this`). */
export function clientErrorHandler(this: { log: FastifyBaseLogger }, err: ParserError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  // A response already under way on this socket cannot be replaced by another one.
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  const response = rawErrorResponse(err);
  this.log.info({ code: err.code, status: response.status }, 'client error before routing');
  if (socket.writable && !inFlight?.headersSent) socket.end(response.bytes);
  else socket.destroy();
  // end() flushes the response; make sure a half-open peer cannot keep the socket.
  socket.setTimeout(1000, () => socket.destroy());
}
