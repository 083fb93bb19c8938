/**
 * Fills a database with N realistic dossiers (docs/monitoring.md, "Seeding"): run it with
 * `scripts/seed --dossiers N [--units C] [--seed S] [--db NAME] [--as-of ISO] [--days D] [--drop] [--force]`.
 */
import { parseArgs } from 'node:util';
import { seedDossiers, SeedRefused } from './lib/seed/run.js';
import { withDatabase } from './lib/seed/service.js';

const usage = `usage: scripts/seed --dossiers N [options]
  --dossiers N     dossiers to write (1..5000000)
  --units C        communes to spread them over (default 30; processes/units.json gives 4, the rest are created)
  --seed S         generator seed (default 42): same seed, --as-of and options give the same data
  --as-of ISO      the instant the data is current at (default: now); open dossiers are open then
  --days D         receipts spread over D days before --as-of (default 365)
  --db NAME        database name to use instead of the one in MONGODB_URL
  --drop           clear the database first when an earlier seed filled it
  --force          with --drop: clear it even when it holds data no seed wrote
  --batch B        dossiers per insertMany (default 1000)
  --lean           finished dossiers get no history entries (about 3x fewer documents; monitoring reads none)
Target: MONGODB_URL (scripts/seed sets the local stack's when unset); REDIS_URL for the service it runs to
capture document shapes. Exit 2 when the database holds dossiers and --drop was not given.`;

const { values } = parseArgs({
  options: {
    dossiers: { type: 'string' },
    units: { type: 'string', default: '30' },
    seed: { type: 'string', default: '42' },
    'as-of': { type: 'string' },
    days: { type: 'string', default: '365' },
    db: { type: 'string' },
    drop: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    batch: { type: 'string', default: '1000' },
    lean: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help || !values.dossiers) {
  process.stdout.write(`${usage}\n`);
  process.exit(values.help ? 0 : 1);
}
const int = (name: string, raw: string, min: number, max: number): number => {
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`seed: --${name} must be an integer in ${min}..${max}, got ${raw}\n`);
    process.exit(1);
  }
  return n;
};
const asOf = values['as-of'] ? new Date(values['as-of']) : new Date();
if (Number.isNaN(asOf.getTime())) {
  process.stderr.write(`seed: --as-of is not an instant: ${values['as-of']}\n`);
  process.exit(1);
}
const baseUrl = process.env.MONGODB_URL ?? 'mongodb://127.0.0.1:27117/bpmn?directConnection=true&retryWrites=false';
const mongoUrl = values.db ? withDatabase(baseUrl, values.db) : baseUrl;

try {
  const result = await seedDossiers({
    mongoUrl,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6390',
    processesDir: process.env.PROCESSES_DIR ?? 'processes',
    dossiers: int('dossiers', values.dossiers, 1, 5_000_000),
    communes: int('units', values.units, 1, 2000),
    seed: int('seed', values.seed, 0, 2 ** 31 - 1),
    asOf,
    days: int('days', values.days, 1, 3650),
    drop: values.drop,
    force: values.force,
    batchSize: int('batch', values.batch, 1, 10_000),
    lean: values.lean,
    log: (m) => process.stderr.write(`seed: ${m}\n`),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  process.stderr.write(`seed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(err instanceof SeedRefused ? 2 : 1);
}
