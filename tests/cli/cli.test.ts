/**
 * Issue 11: the tthc command line run as a child process (scripts/tthc, as `bin` installs it)
 * against a real service on FerretDB and Redis: a folder of diagrams published and checked
 * offline, a dossier received and driven through its tasks, listings, coded errors and exit
 * statuses, JSON and Vietnamese output.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createUnit } from '../support/auth.js';
import { startService, type TestService } from '../support/harness.js';

const TTHC = new URL('../../scripts/tthc', import.meta.url).pathname;
// A copy of a MIWG export (tests/fixtures/diagrams/miwg/README.md): a clean clone has no shared corpus.
const BAD = new URL('../fixtures/diagrams/miwg/B.1.0-export.bpmn', import.meta.url).pathname;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function tthc(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, TTHC_LANG: 'en', ...env };
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete childEnv[k];
    execFile(TTHC, args, { env: childEnv, timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the CLI's JSON output of several commands
const parsed = (run: Run): any => JSON.parse(run.stdout);

describe('tthc', () => {
  let service: TestService;
  let env: Record<string, string>;
  let folder: string;
  let deskKey: string;

  beforeAll(async () => {
    service = await startService('cli');
    const url = await service.container.app.listen({ port: 0, host: '127.0.0.1' });
    env = { TTHC_URL: url, TTHC_API_KEY: service.env.ADMIN_API_KEY as string };
    await createUnit(service, { id: 'tinh-cli', code: '000.00.00.H98', kind: 'province', parentId: null });
    await createUnit(service, { id: 'xa-cli', code: '000.00.31.H98', kind: 'commune', parentId: 'tinh-cli' });
    deskKey = (await createKey(service, 'desk-officer', ['xa-cli'])).key;
    folder = mkdtempSync(join(tmpdir(), 'tthc-cli-'));
    copyFileSync('tests/fixtures/dossiers/simple-permit.bpmn', join(folder, 'simple-permit.bpmn'));
    copyFileSync('tests/fixtures/dossiers/simple-permit.schema.json', join(folder, 'simple-permit.schema.json'));
    copyFileSync(BAD, join(folder, 'z-miwg-B.1.0.bpmn'));
  }, 120_000);

  afterAll(async () => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    await service?.destroy();
  });

  it('validates a folder offline with the rules of publishing, problems per element, exit 1', async () => {
    const run = await tthc(['validate', folder], { TTHC_URL: undefined, TTHC_API_KEY: undefined });
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✓');
    expect(run.stdout).toMatch(/Activity_0yyznkb: \[MISSING_TOPIC\]/);
    expect(run.stdout).toContain('files: 2, accepted: 1, refused: 1');
    const good = await tthc(['validate', '--json', join(folder, 'simple-permit.bpmn')], { TTHC_URL: undefined });
    expect(good.code).toBe(0);
    expect(parsed(good)).toMatchObject({ accepted: 1, refused: 0, results: [{ ok: true, key: 'simple-permit' }] });
  }, 120_000);

  it('publishes a folder: the good diagram with its schema, the bad one refused with its problems; again: unchanged', async () => {
    const run = await tthc(['publish', '--json', folder], env);
    expect(run.code, run.stderr).toBe(1);
    const body = parsed(run);
    expect(body.accepted).toBe(1);
    expect(body.refused).toBe(1);
    expect(body.results[0]).toMatchObject({ ok: true, key: 'simple-permit', version: 1, created: true });
    expect(body.results[1]).toMatchObject({ ok: false, status: 422, error: { code: 'INVALID_DIAGRAM' } });
    expect(body.results[1].error.details.problems.length).toBeGreaterThan(0);

    const again = await tthc(['--lang', 'vi', 'procedures', 'publish', join(folder, 'simple-permit.bpmn')], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('simple-permit v1');
    expect(again.stdout).toContain('không đổi');

    const list = await tthc(['procedures', 'list'], env);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/simple-permit\s+1/);
  }, 120_000);

  it('receives a dossier and drives its case through tasks; shows and lists', async () => {
    const received = await tthc(
      ['dossiers', 'receive', '--json', '--procedure', 'simple-permit', '--applicant', 'Lê Văn C', '--channel', 'in-person', '--unit', 'xa-cli', '--data', '{"plot":"1/2","area":80}'],
      env,
    );
    expect(received.code, received.stderr).toBe(0);
    const dossier = parsed(received);
    expect(dossier.id).toBeTruthy();
    const caseId = dossier.case.id as string;

    const shown = await tthc(['dossiers', 'show', dossier.id], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(dossier.code);
    expect(shown.stdout).toContain('Lê Văn C');

    const tasks = parsed(await tthc(['tasks', 'list', '--json', '--case', caseId], env));
    const review = tasks.items.find((t: { activityId: string }) => t.activityId === 'review');
    expect(review).toBeTruthy();
    const done = await tthc(['tasks', 'complete', review.id, '--data', '{"complete":true}'], env);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain(`completed: ${review.id}`);

    const shownCase = await tthc(['cases', 'show', caseId], env);
    expect(shownCase.code).toBe(0);
    expect(shownCase.stdout).toContain('decide');
    const listed = await tthc(['dossiers', 'list', '--json', '--procedure', 'simple-permit'], env);
    expect(parsed(listed).items.map((d: { id: string }) => d.id)).toContain(dossier.id);
  }, 180_000);

  it('starts a case with a desk key, lists cases and what is overdue', async () => {
    const started = await tthc(['cases', 'start', 'simple-permit', '--json', '--data', '{"plot":"7","area":12}'], { ...env, TTHC_API_KEY: deskKey });
    expect(started.code, started.stderr).toBe(0);
    const id = parsed(started).id as string;
    const cases = await tthc(['cases', 'list', '--procedure', 'simple-permit', '--status', 'active'], env);
    expect(cases.code).toBe(0);
    expect(cases.stdout).toContain(id);
    const late = await tthc(['overdue', '--json'], env);
    expect(late.code, late.stderr).toBe(0);
    expect(Array.isArray(parsed(late).items)).toBe(true);
  }, 120_000);

  it('prints coded errors and ends non-zero: refused 1, usage 2, unreachable 3', async () => {
    const wrong = await tthc(['cases', 'list'], { ...env, TTHC_API_KEY: 'not-a-key' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/^INVALID_CREDENTIALS \(401\): /);
    const missing = await tthc(['cases', 'show', 'no-such-case', '--json'], env);
    expect(missing.code).toBe(1);
    expect(parsed(missing)).toMatchObject({ status: 404, error: { code: expect.stringMatching(/NOT_FOUND$/) } });
    const badData = await tthc(['tasks', 'complete', 'x', '--data', '{oops'], env);
    expect(badData.code).toBe(2);
    expect(badData.stderr).toContain('INVALID_JSON');
    expect((await tthc(['cases', 'list'], { TTHC_URL: undefined })).code).toBe(2);
    expect((await tthc(['no-such-command'], env)).code).toBe(2);
    const down = await tthc(['procedures', 'list'], { ...env, TTHC_URL: 'http://127.0.0.1:1' });
    expect(down.code).toBe(3);
    expect(down.stderr).toContain('UNREACHABLE');
  }, 120_000);
});
