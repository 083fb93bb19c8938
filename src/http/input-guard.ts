/**
 * Refuses input that no schema describes but that breaks the layers below: control
 * characters (PostgreSQL-backed FerretDB cannot store NUL), numbers beyond 2^53 or
 * infinite (`limit=1e400`), nesting deep enough to overflow recursive code, prototype keys,
 * and bodies in a charset we do not decode. Runs globally, so no route can forget it.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { DomainError } from '../domain/errors.js';

/* eslint-disable no-control-regex -- finding control characters is the point */
/** Ids and query values: no C0 control character and no DEL. */
const CONTROL_STRICT = /[\u0000-\u001F\u007F]/;
/** Text in bodies: tab, line feed and carriage return are text; the rest of C0 and DEL are not. */
const CONTROL_TEXT = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/* eslint-enable no-control-regex */
/** Keys that reach Object.prototype or a constructor when code merges objects. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
export const MAX_DEPTH = 32;

export interface InputProblem {
  code: 'INVALID_CHARACTERS' | 'NUMBER_OUT_OF_RANGE' | 'TOO_DEEP' | 'FORBIDDEN_KEY';
  /** JSON-pointer-like location, e.g. `body/applicant/name`, `params/id`. */
  path: string;
}

const messages: Record<InputProblem['code'], { en: string; vi: string }> = {
  INVALID_CHARACTERS: { en: 'contains control characters (such as NUL)', vi: 'chứa ký tự điều khiển (ví dụ NUL)' },
  NUMBER_OUT_OF_RANGE: { en: 'is a number out of range (beyond ±2^53 or not finite)', vi: 'là số vượt giới hạn (quá ±2^53 hoặc vô hạn)' },
  TOO_DEEP: { en: `is nested deeper than ${MAX_DEPTH} levels`, vi: `lồng nhau quá ${MAX_DEPTH} cấp` },
  FORBIDDEN_KEY: { en: 'uses a reserved key (__proto__, constructor, prototype)', vi: 'dùng khóa bị cấm (__proto__, constructor, prototype)' },
};

export function inputError(problem: InputProblem): DomainError {
  const text = messages[problem.code];
  const path = problem.path.length > 120 ? `${problem.path.slice(0, 120)}…` : problem.path;
  return new DomainError(problem.code, `${path} ${text.en} / ${path} ${text.vi}`, 400, { path });
}

/**
 * The first problem in a parsed value, walking it without recursion (a 1 MB body of `[`
 * must not overflow the stack here either). `strict`: also refuse tab and line breaks.
 */
export function findProblem(root: unknown, where: string, strict: boolean): InputProblem | null {
  const control = strict ? CONTROL_STRICT : CONTROL_TEXT;
  const stack: { value: unknown; path: string; depth: number }[] = [{ value: root, path: where, depth: 0 }];
  while (stack.length > 0) {
    const { value, path, depth } = stack.pop() as { value: unknown; path: string; depth: number };
    if (typeof value === 'string') {
      if (control.test(value)) return { code: 'INVALID_CHARACTERS', path };
    } else if (typeof value === 'number') {
      if (!Number.isFinite(value) || Math.abs(value) > Number.MAX_SAFE_INTEGER) return { code: 'NUMBER_OUT_OF_RANGE', path };
    } else if (value !== null && typeof value === 'object') {
      if (depth >= MAX_DEPTH) return { code: 'TOO_DEEP', path };
      for (const [key, child] of Object.entries(value)) {
        const at = `${path}/${Array.isArray(value) ? key : key.replace(CONTROL_STRICT, '?')}`;
        if (CONTROL_STRICT.test(key)) return { code: 'INVALID_CHARACTERS', path: at };
        if (FORBIDDEN_KEYS.has(key)) return { code: 'FORBIDDEN_KEY', path: at };
        stack.push({ value: child, path: at, depth: depth + 1 });
      }
    }
  }
  return null;
}

/** Charsets we decode bodies in; anything else would be read as mojibake. */
const CHARSETS = new Set(['utf-8', 'utf8', 'us-ascii']);

export function charsetOf(contentType: string | undefined): string | null {
  if (!contentType) return null;
  const match = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(contentType);
  return match ? (match[1] as string).toLowerCase() : null;
}

function check(request: FastifyRequest): void {
  const problem =
    findProblem(request.params, 'params', true) ??
    findProblem(request.query, 'querystring', true) ??
    findProblem(request.body, 'body', false);
  if (problem) throw inputError(problem);
}

/** Query values after the schemas coerced them: a declared number may have become Infinity. */
function checkCoerced(request: FastifyRequest): void {
  const problem = findProblem(request.query, 'querystring', true) ?? findProblem(request.params, 'params', true);
  if (problem) throw inputError(problem);
}

export function registerInputGuard(app: FastifyInstance): void {
  // preParsing: after authentication, before a byte of the body is decoded.
  app.addHook('preParsing', async (request) => {
    const charset = charsetOf(request.headers['content-type']);
    if (charset !== null && !CHARSETS.has(charset)) {
      throw new DomainError(
        'UNSUPPORTED_CHARSET',
        `charset '${charset.slice(0, 40)}' is not supported: send UTF-8 / chỉ nhận bảng mã UTF-8`,
        415,
        { charset: charset.slice(0, 40) },
      );
    }
  });
  app.addHook('preValidation', async (request) => check(request));
  app.addHook('preHandler', async (request) => checkCoerced(request));
}
