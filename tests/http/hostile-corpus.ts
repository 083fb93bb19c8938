/**
 * The hostile-request corpus, generated from the served OpenAPI document so that a new route
 * is covered the day it is added: for every route, every path parameter, query parameter and
 * string / number field of a JSON body gets control characters, operator objects, overflow
 * and huge values; every body route gets malformed and deeply nested JSON, prototype keys,
 * wrong media types and charsets, and a body over the limit. Around a valid skeleton, so each
 * request fails for the one reason it is about.
 */

export interface HostileRequest {
  name: string;
  /** What it attacks; control-character cases must never be accepted. */
  kind: 'control' | 'operator' | 'overflow' | 'huge' | 'json' | 'prototype' | 'media' | 'charset' | 'nesting';
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  url: string;
  headers?: Record<string, string>;
  /** Raw body text (sent as is). */
  body?: string;
}

type Schema = {
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  pattern?: string;
  minimum?: number;
  minLength?: number;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  minItems?: number;
  anyOf?: Schema[];
  oneOf?: Schema[];
  default?: unknown;
};

interface Parameter {
  in: 'path' | 'query' | 'header';
  name: string;
  required?: boolean;
  schema?: Schema;
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
}

export interface OpenApiDoc {
  paths: Record<string, Record<string, Operation>>;
}

/** Values known to the seeded database, so skeletons reach past "not found" where they can. */
export interface Known {
  procedureKey: string;
  unitId: string;
}

const CONTROL = ['a\u0000b', '\u0000', 'x\u0007y', 'a\u001bb', 'tab\tin-id', 'del\u007f'];
const CONTROL_BODY = ['a\u0000b', '\u0000', 'x\u0007y', 'a\u001bb', 'del\u007f'];
const OVERFLOW = ['1e400', '-1e400', '99999999999999999999999999', 'Infinity', 'NaN'];
const RAW_OVERFLOW = ['1e400', '-1e400', '123456789012345678901234567890'];
const CANDIDATES = ['2026-01-05', '2026-01-05T08:00:00+07:00', '08:00', 'x1', 'X1', 'abc-1', '123456789', '+84123456789', 'probe'];

const firstType = (s: Schema): string | undefined => (Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : s.type);

/** A value the schema accepts (as well as a simple generator can tell). */
export function valid(schema: Schema | undefined, name: string, known: Known): unknown {
  if (!schema) return 'probe';
  if (schema.enum) return schema.enum[0];
  const option = schema.anyOf?.find((s) => firstType(s) !== 'null') ?? schema.oneOf?.[0];
  if (option) return valid(option, name, known);
  switch (firstType(schema)) {
    case 'integer':
    case 'number':
      return Math.max(schema.minimum ?? 1, 1);
    case 'boolean':
      return true;
    case 'array':
      return Array.from({ length: schema.minItems ?? 0 }, () => valid(schema.items, name, known));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const key of schema.required ?? []) out[key] = valid(schema.properties?.[key], key, known);
      return out;
    }
    default:
      return validString(schema, name, known);
  }
}

function validString(schema: Schema, name: string, known: Known): string {
  if (/procedureKey|^key$/.test(name)) return known.procedureKey;
  if (/unitId$/i.test(name)) return known.unitId;
  if (schema.format === 'date-time') return '2026-01-05T08:00:00+07:00';
  if (schema.format === 'date') return '2026-01-05';
  if (schema.format === 'email') return 'probe@example.vn';
  if (schema.format === 'uri') return 'https://example.vn/probe';
  if (schema.pattern) {
    const re = new RegExp(schema.pattern, 'u');
    const hit = CANDIDATES.find((c) => re.test(c));
    if (hit) return hit;
  }
  return 'probe'.padEnd(schema.minLength ?? 1, 'x');
}

/** Top-level fields of a JSON body and one level into objects (applicant.name, …). */
function fields(schema: Schema, prefix: string[] = []): { path: string[]; schema: Schema }[] {
  const out: { path: string[]; schema: Schema }[] = [];
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    const path = [...prefix, key];
    const type = firstType(child);
    if (type === 'object' && child.properties && prefix.length === 0) out.push(...fields(child, path));
    else if (type === 'array' && child.items?.properties && prefix.length === 0) out.push(...fields(child.items, [...path, '0']));
    else out.push({ path, schema: child });
  }
  return out;
}

function setAt(root: Record<string, unknown>, path: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(root);
  let node = copy as Record<string, unknown>;
  path.slice(0, -1).forEach((key, i) => {
    const intoArray = /^\d+$/.test(path[i + 1] ?? '');
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = intoArray ? [{}] : {};
    if (intoArray && (node[key] as unknown[]).length === 0) (node[key] as unknown[]).push({});
    node = node[key] as Record<string, unknown>;
  });
  node[path[path.length - 1] as string] = value;
  return copy;
}

const MARK = '"__RAW_NUMBER__"';

export function buildCorpus(doc: OpenApiDoc, known: Known, bodyLimitBytes: number): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const [lower, op] of Object.entries(ops)) {
      const method = lower.toUpperCase() as HostileRequest['method'];
      const params = op.parameters ?? [];
      const pathParams = params.filter((p) => p.in === 'path');
      const query = params.filter((p) => p.in === 'query');
      const fill = (name: string) => String(valid(pathParams.find((p) => p.name === name)?.schema, name, known));
      const urlWith = (overrides: Record<string, string>, qs = '') =>
        template.replace(/\{([^}]+)\}/g, (_m, name: string) => overrides[name] ?? encodeURIComponent(fill(name))) + (qs ? `?${qs}` : '');
      const route = `${method} ${template}`;

      for (const p of pathParams) {
        for (const bad of CONTROL) out.push({ name: `${route} path ${p.name} ${JSON.stringify(bad)}`, kind: 'control', method, url: urlWith({ [p.name]: encodeURIComponent(bad) }) });
        out.push({ name: `${route} path ${p.name} operator`, kind: 'operator', method, url: urlWith({ [p.name]: encodeURIComponent('{"$gt":""}') }) });
        out.push({ name: `${route} path ${p.name} huge`, kind: 'huge', method, url: urlWith({ [p.name]: 'x'.repeat(5000) }) });
        out.push({ name: `${route} path ${p.name} overflow`, kind: 'overflow', method, url: urlWith({ [p.name]: '1e400' }) });
      }
      for (const q of query) {
        for (const bad of CONTROL.slice(0, 3)) out.push({ name: `${route} query ${q.name} ${JSON.stringify(bad)}`, kind: 'control', method, url: urlWith({}, `${q.name}=${encodeURIComponent(bad)}`) });
        out.push({ name: `${route} query ${q.name}[$gt]`, kind: 'operator', method, url: urlWith({}, `${encodeURIComponent(`${q.name}[$gt]`)}=`) });
        out.push({ name: `${route} query ${q.name} operator text`, kind: 'operator', method, url: urlWith({}, `${q.name}=${encodeURIComponent('{"$ne":null}')}`) });
        out.push({ name: `${route} query ${q.name} huge`, kind: 'huge', method, url: urlWith({}, `${q.name}=${'9'.repeat(8000)}`) });
        const numeric = ['integer', 'number'].includes(firstType(q.schema ?? {}) ?? '');
        for (const bad of numeric ? OVERFLOW : OVERFLOW.slice(0, 1)) out.push({ name: `${route} query ${q.name}=${bad}`, kind: 'overflow', method, url: urlWith({}, `${q.name}=${bad}`) });
      }
      if (query.length > 0) {
        out.push({ name: `${route} query __proto__`, kind: 'prototype', method, url: urlWith({}, '__proto__[admin]=1&constructor=x') });
        out.push({ name: `${route} query key with NUL`, kind: 'control', method, url: urlWith({}, `${encodeURIComponent('a\u0000')}=1`) });
      }

      if (op.requestBody?.content['application/xml']) {
        const xml = '<?xml version="1.0"?><definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"/>';
        const send = (name: string, kind: HostileRequest['kind'], body: string, contentType: string) =>
          out.push({ name: `${route} ${name}`, kind, method, url: urlWith({}), body, headers: { 'content-type': contentType } });
        send('XML with NUL', 'control', xml.replace('/>', '>\u0000</definitions>'), 'application/xml');
        send('XML with ESC', 'control', xml.replace('/>', '>\u001b</definitions>'), 'text/xml');
        send('XML charset utf-16', 'charset', xml, 'application/xml; charset=utf-16');
        send('XML billion laughs', 'huge', `<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "${'a'.repeat(100)}"><!ENTITY b "${'&a;'.repeat(100)}">]><definitions>${'&b;'.repeat(100)}</definitions>`, 'application/xml');
      }

      const json = op.requestBody?.content['application/json']?.schema;
      if (!json) continue;
      const skeleton = valid(json, '', known) as Record<string, unknown>;
      const url = urlWith({});
      const post = (name: string, kind: HostileRequest['kind'], body: string, contentType = 'application/json') =>
        out.push({ name: `${route} ${name}`, kind, method, url, body, headers: { 'content-type': contentType } });

      for (const field of fields(json)) {
        const type = firstType(field.schema);
        const label = field.path.join('.');
        if (type === 'string' || type === undefined) {
          for (const bad of CONTROL_BODY) post(`body ${label} ${JSON.stringify(bad)}`, 'control', JSON.stringify(setAt(skeleton, field.path, bad)));
          post(`body ${label} huge`, 'huge', JSON.stringify(setAt(skeleton, field.path, 'x'.repeat(100_000))));
        }
        post(`body ${label} operator`, 'operator', JSON.stringify(setAt(skeleton, field.path, { $gt: '' })));
        for (const bad of RAW_OVERFLOW) post(`body ${label} ${bad}`, 'overflow', JSON.stringify(setAt(skeleton, field.path, '__RAW_NUMBER__')).replace(MARK, bad));
        if (type === 'object') {
          const deep = `${'{"a":'.repeat(200)}1${'}'.repeat(200)}`;
          post(`body ${label} nested 200 deep`, 'nesting', JSON.stringify(setAt(skeleton, field.path, '__RAW_NUMBER__')).replace(MARK, deep));
        }
      }
      const base = JSON.stringify(skeleton);
      const inner = base === '{}' ? '' : `,${base.slice(1, -1)}`;
      post('malformed JSON', 'json', base.slice(0, -1));
      post('JSON with trailing garbage', 'json', `${base}}}`);
      post('empty JSON body', 'json', '');
      post('JSON array body', 'json', '[]');
      post('JSON string body', 'json', '"just a string"');
      post('JSON number overflow body', 'overflow', '1e400');
      post('deep nesting 100 000', 'nesting', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
      post('__proto__ key', 'prototype', `{"__proto__":{"isAdmin":true}${inner}}`);
      post('constructor.prototype key', 'prototype', `{"constructor":{"prototype":{"isAdmin":true}}${inner}}`);
      post('constructor key', 'prototype', `{"constructor":"x"${inner}}`);
      post('NUL in a key', 'control', `{"a\\u0000b":1${inner}}`);
      post('operator at top level', 'operator', `{"$where":"sleep(1000)"${inner}}`);
      post('text/html body', 'media', base, 'text/html');
      post('image/png body', 'media', base, 'image/png');
      post('multipart body', 'media', base, 'multipart/form-data; boundary=x');
      post('charset utf-16', 'charset', base, 'application/json; charset=utf-16');
      post('charset latin1', 'charset', base, 'application/json; charset=iso-8859-1');
      post('charset quoted utf-32', 'charset', base, 'application/json; charset="UTF-32"');
      post('body over the limit', 'huge', `{"x":"${'x'.repeat(bodyLimitBytes + 10)}"}`);
    }
  }
  return out;
}
