/**
 * Issue 7 §4, the cases Node's HTTP parser sees before Fastify: over a real listening port,
 * each answers with a complete HTTP response in the one error shape and closes, and a body
 * that never arrives is cut off with 408 once the configured request timeout has passed.
 */
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MongoClient } from 'mongodb';
import { isolatedEnv, startService, type TestService } from '../support/harness.js';
import { errorShapeProblem } from './error-shape.js';

const REQUEST_TIMEOUT_MS = 1500;
let svc: TestService;
let port: number;
let auth: string;

beforeAll(async () => {
  const env = { ...isolatedEnv('raw_socket'), HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS), HTTP_HEADERS_TIMEOUT_MS: '1000' };
  svc = await startService('raw_socket', { env, background: false });
  await svc.container.app.listen({ port: 0, host: '127.0.0.1' });
  port = (svc.container.app.server.address() as AddressInfo).port;
  auth = `Authorization: Bearer ${env.ADMIN_API_KEY}\r\n`;
}, 120_000);

afterAll(async () => {
  await svc?.destroy();
});

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  closed: boolean;
  elapsedMs: number;
}

/** Writes bytes and reads until the server closes (or `boundMs` passes: a hang). */
function raw(bytes: string, boundMs = 30_000): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no close in ${boundMs} ms; got ${JSON.stringify(data.slice(0, 200))}`));
    }, boundMs);
    socket.on('data', (d: Buffer) => (data += d.toString('utf8')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(timer);
      const [head = '', ...rest] = data.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n'), closed: true, elapsedMs: Date.now() - started });
    });
    socket.write(bytes);
  });
}

async function counts(): Promise<string> {
  const client = new MongoClient(svc.env.MONGODB_URL as string);
  await client.connect();
  try {
    const db = client.db();
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    return JSON.stringify(await Promise.all(names.map(async (n) => [n, await db.collection(n).countDocuments()])));
  } finally {
    await client.close();
  }
}

function expectShaped(res: RawResponse, status: number, code: string): void {
  expect(res.status, res.body).toBe(status);
  expect(errorShapeProblem(res.status, res.headers['content-type'], res.body)).toBeNull();
  expect((JSON.parse(res.body) as { error: { code: string } }).error.code).toBe(code);
  expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
}

const unit = '{"id":"raw-unit","code":"RAW1","name":"Raw","kind":"commune","parentId":null}';

describe('requests refused before routing, over a real socket', () => {
  it('answers each in the one error shape and changes nothing', async () => {
    const before = await counts();
    const cases: [string, string, number, string][] = [
      ['100 KB URL', `GET /v1/cases/${'a'.repeat(100_000)} HTTP/1.1\r\nHost: t\r\n${auth}\r\n`, 431, 'HEADERS_TOO_LARGE'],
      ['100 KB header', `GET /v1/cases HTTP/1.1\r\nHost: t\r\nX-Big: ${'b'.repeat(100_000)}\r\n${auth}\r\n`, 431, 'HEADERS_TOO_LARGE'],
      ['bad percent-encoding in a path', `GET /v1/cases/%zz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n${auth}\r\n`, 400, 'INVALID_URL'],
      ['truncated percent-encoding', `GET /v1/cases/%E0%A4%A HTTP/1.1\r\nHost: t\r\nConnection: close\r\n${auth}\r\n`, 400, 'INVALID_URL'],
      [
        'duplicate Content-Length, different values',
        `POST /v1/units HTTP/1.1\r\nHost: t\r\n${auth}Content-Type: application/json\r\nContent-Length: ${unit.length}\r\nContent-Length: 5\r\n\r\n${unit}`,
        400,
        'INVALID_CONTENT_LENGTH',
      ],
      [
        'duplicate Content-Length, same value',
        `POST /v1/units HTTP/1.1\r\nHost: t\r\n${auth}Content-Type: application/json\r\nContent-Length: ${unit.length}\r\nContent-Length: ${unit.length}\r\n\r\n${unit}`,
        400,
        'INVALID_CONTENT_LENGTH',
      ],
      ['Content-Length not a number', `POST /v1/units HTTP/1.1\r\nHost: t\r\n${auth}Content-Type: application/json\r\nContent-Length: abc\r\n\r\n${unit}`, 400, 'INVALID_CONTENT_LENGTH'],
      [
        'Content-Length with chunked (smuggling)',
        `POST /v1/units HTTP/1.1\r\nHost: t\r\n${auth}Content-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
        400,
        'MALFORMED_REQUEST',
      ],
      ['garbage request line', 'HELLO THERE\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      ['NUL in a header value', `GET /v1/cases HTTP/1.1\r\nHost: t\r\nX-A: a\u0000b\r\n${auth}\r\n`, 400, 'MALFORMED_REQUEST'],
    ];
    for (const [name, bytes, status, code] of cases) {
      const res = await raw(bytes);
      expect(res.closed, name).toBe(true);
      try {
        expectShaped(res, status, code);
      } catch (err) {
        throw new Error(`${name}: ${(err as Error).message}`, { cause: err });
      }
    }
    expect(await counts()).toBe(before);
  }, 120_000);

  it('answers 408 when a body never arrives, once the request timeout has passed, and creates nothing', async () => {
    const before = await counts();
    const res = await raw(`POST /v1/units HTTP/1.1\r\nHost: t\r\n${auth}Content-Type: application/json\r\nContent-Length: ${unit.length}\r\n\r\n${unit.slice(0, 10)}`);
    expectShaped(res, 408, 'REQUEST_TIMEOUT');
    expect(res.elapsedMs).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 100);
    // The product guarantee: cut off at the configured timeout plus Node's check interval;
    // the margin is for a loaded machine.
    expect(res.elapsedMs).toBeLessThan(REQUEST_TIMEOUT_MS + 15_000);
    expect(await counts()).toBe(before);
    // The service still serves afterwards.
    expect((await svc.inject({ method: 'GET', url: '/v1/units' })).statusCode).toBe(200);
  }, 60_000);

  it('answers 408 when headers never finish', async () => {
    const res = await raw(`GET /v1/cases HTTP/1.1\r\nHost: t\r\n${auth}`);
    expectShaped(res, 408, 'REQUEST_TIMEOUT');
  }, 60_000);
});
