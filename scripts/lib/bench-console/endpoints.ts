/**
 * Which requests the console benchmark times: every GET under /v1/monitoring/, the SLA
 * report and the escalations list, read from the running app's /openapi.json, so routes
 * added later are timed without editing this file. Each route gets variants: the two
 * supervisor scopes, the periods (today, this month, the last 365 days) when it takes
 * from/to, and one per value of a `grain`, `kind` or `format` enum.
 */
import { localDay } from '../../../src/monitoring/rollup.js';

export interface Variant {
  /** Row label: path and the query that sets it apart, e.g. `/v1/monitoring/summary · province · 365 d`. */
  label: string;
  url: string;
  scope: 'province' | 'commune';
}

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required?: boolean;
  schema?: { enum?: unknown[]; default?: unknown; type?: string | string[]; format?: string };
}
interface OpenApi {
  paths: Record<string, Record<string, { parameters?: Parameter[] }>>;
}

export interface Context {
  procedureKey: string;
  procedureVersion: number;
  communeId: string;
  /** The instant "today" is taken from (the seed's as-of). */
  now: Date;
}

const TIMED = (path: string): boolean => path.startsWith('/v1/monitoring/') || path === '/v1/reports/sla' || path === '/v1/escalations';
const ENUM_VARIANTS = new Set(['grain', 'kind', 'format']);

/** A path parameter's value, or null when the benchmark knows none (the route is then listed as skipped). */
function pathValue(name: string, ctx: Context): string | null {
  if (name === 'key' || name === 'procedureKey') return ctx.procedureKey;
  if (name === 'version') return String(ctx.procedureVersion);
  if (name === 'unitId') return ctx.communeId;
  return null;
}

export function variantsOf(doc: OpenApi, ctx: Context): { variants: Variant[]; skipped: string[] } {
  const today = localDay(ctx.now.toISOString());
  const yearAgo = localDay(new Date(ctx.now.getTime() - 365 * 86_400_000).toISOString());
  const days: [string, string, string][] = [['today', today, today], ['month', `${today.slice(0, 8)}01`, today], ['365 d', yearAgo, today]];
  // Routes taking instants (the SLA report) get the same local days as [start, next start).
  const start = (day: string) => new Date(`${day}T00:00:00+07:00`).toISOString();
  const after = (day: string) => new Date(Date.parse(`${day}T00:00:00+07:00`) + 86_400_000).toISOString();
  const periodsFor = (instants: boolean): [string, string][] =>
    days.map(([tag, from, to]) => [tag, instants ? `from=${start(from)}&to=${after(to)}` : `from=${from}&to=${to}`]);
  const variants: Variant[] = [];
  const skipped: string[] = [];
  for (const [path, ops] of Object.entries(doc.paths).sort(([a], [b]) => a.localeCompare(b))) {
    const op = ops.get;
    if (!op || !TIMED(path)) continue;
    const params = op.parameters ?? [];
    let url = path;
    let missing: string | null = null;
    for (const p of params.filter((x) => x.in === 'path')) {
      const v = pathValue(p.name, ctx);
      if (v === null) missing = p.name;
      else url = url.replace(`{${p.name}}`, encodeURIComponent(v));
    }
    if (missing) {
      skipped.push(`${path} (no value for path parameter ${missing})`);
      continue;
    }
    const query = new Set(params.filter((p) => p.in === 'query').map((p) => p.name));
    const requiredUnknown = params.find((p) => p.in === 'query' && p.required && !['from', 'to'].includes(p.name) && !p.schema?.enum);
    if (requiredUnknown) {
      skipped.push(`${path} (required query parameter ${requiredUnknown.name})`);
      continue;
    }
    const add = (extra: string, tag: string) => {
      for (const scope of ['province', 'commune'] as const) {
        const qs = extra ? `?${extra}` : '';
        variants.push({ label: `${path}${tag ? ` · ${tag}` : ''} · ${scope}`, url: `${url}${qs}`, scope });
      }
    };
    const instants = params.some((p) => p.in === 'query' && p.name === 'from' && p.schema?.format === 'date-time');
    if (query.has('from') && query.has('to')) for (const [tag, qs] of periodsFor(instants)) add(qs, tag);
    else add('', '');
    for (const p of params.filter((x) => x.in === 'query' && ENUM_VARIANTS.has(x.name) && x.schema?.enum)) {
      for (const value of p.schema!.enum!) {
        if (value === p.schema!.default) continue;
        add(`${p.name}=${String(value)}`, `${p.name}=${String(value)}`);
      }
    }
  }
  return { variants, skipped };
}
