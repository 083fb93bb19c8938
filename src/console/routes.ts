/**
 * The supervisors' console at /console/: the Vite bundle (built into CONSOLE_DIST, default
 * .local/console-dist) and the session endpoints. Hashed assets are cached for a year; the
 * page itself is revalidated every time, so a new build is picked up at once.
 * The session cookie is HttpOnly, SameSite=Strict and expires; it is accepted for reads only
 * (src/auth/plugin.ts), so the console needs no CSRF token: it changes nothing.
 */
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Authenticate } from '../auth/authenticator.js';
import { DomainError } from '../domain/errors.js';
import { SESSION_COOKIE, SESSION_TTL_MS, sessionIdOf, type SessionStore } from './sessions.js';

export interface ConsoleRoutesOptions {
  sessions: SessionStore;
  authenticate: Authenticate;
  distDir?: string;
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

// The bundle only loads its own scripts; bpmn-js sets inline styles and draws data: images.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'";

export async function consoleRoutes(app: FastifyInstance, opts: ConsoleRoutesOptions): Promise<void> {
  const dist = resolve(opts.distDir ?? process.env.CONSOLE_DIST ?? '.local/console-dist');

  const cookie = (value: string, maxAgeS: number) =>
    `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}`;

  app.post(
    '/console/session',
    {
      config: { public: true },
      schema: {
        hide: true,
        body: { type: 'object', required: ['apiKey'], additionalProperties: false, properties: { apiKey: { type: 'string', minLength: 1, maxLength: 512 } } },
      },
    },
    async (request, reply) => {
      const { apiKey } = request.body as { apiKey: string };
      const principal = await opts.authenticate(apiKey);
      const session = opts.sessions.create(apiKey);
      reply.header('set-cookie', cookie(session.id, Math.floor(SESSION_TTL_MS / 1000)));
      reply.header('cache-control', 'no-store');
      return { role: principal.role, unitIds: principal.unitIds ?? [], expiresAt: session.expiresAt.toISOString() };
    },
  );

  // Who the session is (the page's first call): 401 when there is none, so it shows the sign-in form.
  app.get('/console/session', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const id = sessionIdOf(request.headers.cookie);
    const token = id ? opts.sessions.tokenOf(id) : null;
    if (!token) throw new DomainError('UNAUTHENTICATED', 'no console session: sign in with an API key', 401);
    const principal = await opts.authenticate(token);
    reply.header('cache-control', 'no-store');
    return { role: principal.role, unitIds: principal.unitIds ?? [] };
  });

  app.delete('/console/session', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const id = sessionIdOf(request.headers.cookie);
    if (id) opts.sessions.remove(id);
    reply.header('set-cookie', cookie('', 0));
    return reply.code(204).send();
  });

  app.get('/console', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));

  app.get('/console/*', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const rest = (request.params as { '*': string })['*'] || 'index.html';
    const file = normalize(join(dist, rest));
    const isAsset = rest.startsWith('assets/') && file.startsWith(dist + '/');
    // Unknown paths are the single page's own routes: serve index.html.
    const path = isAsset ? file : join(dist, 'index.html');
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      throw new DomainError('NOT_FOUND', isAsset ? `no console asset ${rest}` : 'the console is not built: run scripts/start or npm run build:console', 404);
    }
    reply.header('content-security-policy', CSP);
    reply.header('cache-control', isAsset ? 'public, max-age=31536000, immutable' : 'no-cache');
    reply.type(TYPES[extname(path)] ?? 'application/octet-stream');
    return reply.send(body);
  });
}
