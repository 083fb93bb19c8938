/**
 * The supervisors' console at scale (issue 9): seeds 10,000 / 100,000 / 1,000,000 dossiers
 * (scripts/seed's code) into databases bpmn_seed_<size>, times every monitoring endpoint at
 * each size and prints median / p90 ms and the ratio between sizes. docs/benchmark.md.
 */
import os from 'node:os';
import { parseArgs } from 'node:util';
import { MongoClient } from 'mongodb';
import { variantsOf } from './lib/bench-console/endpoints.js';
import { measure } from './lib/bench-console/measure.js';
import { renderTable, type SizeResult } from './lib/bench-console/table.js';
import { seedDossiers, SEED_MARKER } from './lib/seed/run.js';
import { openService, withDatabase } from './lib/seed/service.js';

const usage = `usage: scripts/bench-console [options]
  --sizes A,B,C        dossiers per run (default 10000,100000,1000000)
  --max-seed-minutes M skip a size whose seeding, estimated from the previous size's rate, would take longer (default 15)
  --runs R             timed requests per endpoint variant after 2 untimed (default 10; at least 3, fewer than R once 10 s
                       are spent; a request over 10 s on its first run is timed once)
  --max-request-seconds S  skip a variant whose median at the previous size, scaled by the size ratio, exceeds S (default 60)
  --reuse              use bpmn_seed_<size> as it is when a completed seed of that size is there
  --keep               keep the databases (default: drop each after its measurements)
  --lean               seed finished dossiers without history entries (scripts/seed --lean)
  --seed S             generator seed (default 42)
  --only P1,P2         time only the endpoints whose path starts with one of these (default: every one)
  --json               print the results as JSON on stdout (the table goes to stderr)`;

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '10000,100000,1000000' },
    'max-seed-minutes': { type: 'string', default: '15' },
    runs: { type: 'string', default: '10' },
    'max-request-seconds': { type: 'string', default: '60' },
    reuse: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    lean: { type: 'boolean', default: false },
    seed: { type: 'string', default: '42' },
    json: { type: 'boolean', default: false },
    only: { type: 'string', default: '' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  process.stdout.write(`${usage}\n`);
  process.exit(0);
}
const sizes = values.sizes.split(',').map((s) => Number(s.trim()));
if (sizes.some((n) => !Number.isInteger(n) || n < 1 || n > 5_000_000)) throw new Error(`--sizes: integers in 1..5000000, got ${values.sizes}`);
const maxSeedMs = Number(values['max-seed-minutes']) * 60_000;
const runs = Number(values.runs);
const maxRequestMs = Number(values['max-request-seconds']) * 1000;
const log = (m: string) => process.stderr.write(`bench-console: ${m}\n`);
const baseUrl = process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27117/bpmn?directConnection=true&retryWrites=false';
const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6390';

/** The completed seed already in the database, if it has this many dossiers. */
async function existingSeed(url: string, size: number): Promise<{ asOf: string; ms: number } | null> {
  const client = new MongoClient(url);
  await client.connect();
  try {
    const m = await client.db().collection<{ _id: string; dossiers: number; asOf: string; startedAt: string; completedAt: string | null }>(SEED_MARKER).findOne({ _id: 'seed' });
    return m && m.dossiers === size && m.completedAt ? { asOf: m.asOf, ms: Date.parse(m.completedAt) - Date.parse(m.startedAt) } : null;
  } finally {
    await client.close();
  }
}

const results: SizeResult[] = [];
const notes: string[] = [];
let rate: number | null = null;
for (const size of sizes) {
  const url = withDatabase(baseUrl, `bpmn_seed_${size}`);
  let asOf = new Date();
  let seedSeconds: number | null = null;
  const reused = values.reuse ? await existingSeed(url, size) : null;
  if (reused) {
    asOf = new Date(reused.asOf);
    // The earlier seeding's own duration (writes only, after the shapes) still estimates the next size's.
    rate = size / Math.max(1, reused.ms);
    log(`${size}: reusing the seeded database (its writes took ${Math.round(reused.ms / 1000)} s)`);
  } else {
    if (rate && size / rate > maxSeedMs) {
      notes.push(`${size}: skipped, seeding estimated at ${Math.round(size / rate / 60_000)} min (${Math.round(rate * 1000)} dossiers/s at the previous size) > --max-seed-minutes`);
      log(notes.at(-1)!);
      continue;
    }
    log(`${size}: seeding`);
    const r = await seedDossiers({ mongoUrl: url, redisUrl, processesDir: 'processes', dossiers: size, communes: 30, seed: Number(values.seed), asOf, days: 365, drop: true, force: false, lean: values.lean, log: (m) => log(`${size}: ${m}`) });
    seedSeconds = r.ms / 1000;
    rate = size / r.ms;
  }
  const svc = await openService(url, redisUrl, 'processes');
  try {
    const { container, adminKey } = svc;
    const inject = async (method: 'GET' | 'POST', path: string, payload?: object) =>
      container.app.inject({ method, url: path, headers: { authorization: `Bearer ${adminKey}` }, ...(payload ? { payload } : {}) });
    const issue = async (unitIds: string[]) => ((await inject('POST', '/v1/api-keys', { name: `bench-console ${unitIds[0]}`, role: 'supervisor', unitIds })).json() as { key: string }).key;
    const communes = (await container.units.list({ active: true })).filter((u) => u.kind === 'commune').map((u) => u.id).sort();
    const communeId = communes[0]!;
    const keys = { province: `Bearer ${await issue(['tinh-mau'])}`, commune: `Bearer ${await issue([communeId])}` };
    const procedures = await container.procedures.list();
    const proc = procedures.find((p) => p.key === 'birth-registration') ?? procedures[0]!;
    const doc = (await inject('GET', '/openapi.json')).json() as Parameters<typeof variantsOf>[0];
    const { variants, skipped } = variantsOf(doc, { procedureKey: proc.key, procedureVersion: proc.latestVersion, communeId, now: asOf });
    for (const s of skipped) notes.push(`${size}: not timed: ${s}`);
    const timings = [];
    const previous = results.at(-1);
    const only = values.only.split(',').map((p) => p.trim()).filter(Boolean);
    for (const v of variants.filter((x) => only.length === 0 || only.some((p) => x.label.startsWith(p)))) {
      // Linear growth is the assumption: a request already slow at the smaller size is not run for minutes.
      const before = previous?.timings.find((t) => t.label === v.label);
      const predicted = before ? (before.medianMs * size) / previous!.size : 0;
      if (predicted > maxRequestMs) {
        notes.push(`${size}: ${v.label} not timed: ${Math.round(before!.medianMs)} ms at ${previous!.size} predicts ${Math.round(predicted / 1000)} s > --max-request-seconds`);
        log(notes.at(-1)!);
        continue;
      }
      const t = await measure(container.app, v.label, v.url, keys[v.scope], { warmup: 2, runs, budgetMs: 10_000 });
      log(`${size}: ${v.label}: ${t.medianMs.toFixed(1)} / ${t.p90Ms.toFixed(1)} ms (${t.status}, ${t.bytes} bytes, ${t.runs} runs)${t.error ? ` ${t.error}` : ''}`);
      timings.push(t);
    }
    results.push({ size, seedSeconds, timings });
    // Timings on a shared machine move with its load: say what it was.
    notes.push(`${size}: load average ${os.loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min) on ${os.cpus().length} CPUs after the measurements`);
  } finally {
    await svc.close({ dropDatabase: !values.keep });
  }
}

const table = renderTable(results);
process.stderr.write(`\n${table}\n${notes.map((n) => `note: ${n}`).join('\n')}\n`);
if (values.json) process.stdout.write(`${JSON.stringify({ results, notes })}\n`);
