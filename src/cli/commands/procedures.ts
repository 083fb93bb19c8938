/** `publish` (files or folders, problems per element, exit 1 when any is refused), `validate` offline, `procedures list`. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../../config.js';
import check from '../../engine/validation/worker.js';
import { loadPlugins } from '../../plugins/plugin-host.js';
import { api, type Context } from '../context.js';
import { diagramFiles, schemaBeside } from '../files.js';
import { t } from '../messages.js';
import { CliFailure, EXIT, printJson, printTable, problemLines, type CodedError } from '../output.js';

interface FileResult {
  file: string;
  ok: boolean;
  key?: string;
  version?: number;
  created?: boolean;
  error?: CodedError;
  status?: number;
}

/** Statuses that say something about the file; anything else (401, 403, 5xx) stops the run. */
const ABOUT_THE_FILE = new Set([400, 413, 415, 422]);

function report(ctx: Context, results: FileResult[]): number {
  const refused = results.filter((r) => !r.ok).length;
  const o = ctx.output;
  if (o.json) {
    printJson(o, { results, accepted: results.length - refused, refused });
  } else {
    for (const r of results) {
      if (r.ok) {
        const what = r.created === false ? t(o.lang, 'unchanged') : r.created ? t(o.lang, 'published') : t(o.lang, 'valid');
        o.out(`✓ ${r.file}${r.key ? ` → ${r.key}${r.version ? ` v${r.version}` : ''}` : ''} (${what})`);
      } else {
        o.out(`✗ ${r.file}: ${t(o.lang, 'refused')} ${r.error?.code}: ${r.error?.message}`);
        for (const line of problemLines(r.error?.details)) o.out(line);
      }
    }
    o.out(t(o.lang, 'summary', { n: results.length, ok: results.length - refused, bad: refused }));
  }
  return refused > 0 ? EXIT.refused : EXIT.ok;
}

export async function publish(ctx: Context, paths: string[], options: { schema: boolean }): Promise<number> {
  const client = ctx.client();
  const results: FileResult[] = [];
  for (const file of diagramFiles(paths)) {
    const xml = readFileSync(file, 'utf8');
    const schema = options.schema ? schemaBeside(file) : null;
    try {
      const { data, status } = await api(ctx, () =>
        schema
          ? client.POST('/v1/procedures', { body: { xml, schema } })
          : client.POST('/v1/procedures', { body: xml, bodySerializer: (body) => body as string, headers: { 'content-type': 'application/xml' } }),
      );
      results.push({ file, ok: true, key: data.key, version: data.version, created: status === 201 });
    } catch (err) {
      if (!(err instanceof CliFailure) || err.status === undefined || !ABOUT_THE_FILE.has(err.status)) throw err;
      results.push({ file, ok: false, error: err.error, status: err.status });
    }
  }
  return report(ctx, results);
}

/** The plugins folder of this checkout (src/cli/commands → plugins, also from dist/src/cli/commands). */
const BUNDLED_PLUGINS = fileURLToPath(new URL('../../../plugins/', import.meta.url));

function minutesPerDay(officeHours: { start: string; end: string }[]): number {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));
  return officeHours.reduce((sum, h) => sum + minutes(h.end) - minutes(h.start), 0);
}

/**
 * The publish check without the service: the same function the service's validation thread
 * runs, with the limits of the environment (LIMIT_*) and the plugin names of the plugins folder.
 */
export async function validate(ctx: Context, paths: string[], options: { plugins?: string; plugin?: string[] }): Promise<number> {
  const config = loadConfig(process.env);
  const dirs = options.plugins ? [options.plugins] : process.env.PLUGINS_DIR ? config.pluginsDirs : [BUNDLED_PLUGINS];
  const names = new Set([...(await loadPlugins(dirs)).keys(), ...(options.plugin ?? [])]);
  const results: FileResult[] = [];
  for (const file of diagramFiles(paths)) {
    const outcome = await check({
      xml: readFileSync(file, 'utf8'),
      extra: '',
      plugins: [...names],
      limits: config.limits.diagram,
      workingTime: true,
      minutesPerWorkingDay: minutesPerDay(config.calendar.officeHours),
      now: new Date().toISOString(),
    });
    results.push(
      outcome.ok
        ? { file, ok: true, key: outcome.processId }
        : { file, ok: false, error: { code: 'INVALID_DIAGRAM', message: `${outcome.problems.length} ${t(ctx.output.lang, 'problems')}`, details: { problems: outcome.problems } } },
    );
  }
  return report(ctx, results);
}

export async function listProcedures(ctx: Context): Promise<number> {
  const { data } = await api(ctx, () => ctx.client().GET('/v1/procedures'));
  const items = data.items ?? [];
  if (ctx.output.json) printJson(ctx.output, data);
  else printTable(ctx.output, ['KEY', 'VERSION', 'VERSIONS', 'NAME'], items.map((p) => [p.key, p.latestVersion, p.versions, p.name]));
  return EXIT.ok;
}
