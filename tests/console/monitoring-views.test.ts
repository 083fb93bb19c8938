/**
 * The console's monitoring views in Debian's Chromium (playwright-core) against a real service:
 * the trend chart and its table against GET /v1/monitoring/trends, the late-step attribution
 * table against GET /v1/monitoring/attribution, and a procedure page's step statistics and
 * late-share badges against /steps, in Vietnamese and English. Dossiers are driven through the
 * API on a 24/7 calendar; steps made late by waiting past their due instants (as in
 * tests/monitoring/steps-route.test.ts). Screenshots go to .local/console-screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKey, createUnit, type TestKey } from '../support/auth.js';
import { isolatedEnv, startService, type TestService } from '../support/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = '.local/console-screenshots';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`tests/console/monitoring-views: skipped, ${CHROMIUM} is missing (scripts/test installs it with apt-get install chromium)`);

const xml = readFileSync('tests/fixtures/monitoring/two-steps-di.bpmn', 'utf8');
const env = { ...isolatedEnv('console_monitoring'), OFFICE_HOURS: '00:00-24:00', WEEKEND_DAYS: 'none', CALENDAR_HOLIDAYS: 'none' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface CaseBody { id: string; status: string; tasks: { id: string; activityId: string; dueAt: string | null }[]; deadline: { dueAt: string } | null }
interface Bucket { period: string; received: number; early: number; onTime: number; late: number }
interface Blame { unitId: string; procedureKey: string; activityId: string; name: string; steps: number; overMinutes: number }
interface Stat { activityId: string; name: string; count: number; lateShare: number | null }

describe.skipIf(!haveChromium)('console: trends, attribution and step statistics in the browser', () => {
  let svc: TestService;
  let browser: Browser;
  let base: string;
  let supervisor: TestKey;

  const untilPast = async (iso: string | null | undefined) => {
    if (iso) await sleep(Math.max(0, Date.parse(iso) - Date.now()) + 50);
  };
  /** Receives a dossier at `unitId` and completes both steps; a tight one only past each due instant. */
  const run = async (procedureKey: string, unitId: string) => {
    const received = await svc.inject({ method: 'POST', url: '/v1/dossiers', payload: { procedureKey, applicant: { name: 'Trần Thị C' }, data: {}, channel: 'in-person', receivingUnitId: unitId } });
    expect(received.statusCode, received.body).toBe(201);
    let c = (await svc.inject({ method: 'GET', url: `/v1/cases/${(received.json() as { id: string }).id}` })).json() as CaseBody;
    for (const step of ['check', 'sign']) {
      const task = c.tasks.find((t) => t.activityId === step)!;
      if (procedureKey === 'tight_view') {
        await untilPast(task.dueAt);
        await untilPast(c.deadline?.dueAt);
      }
      const res = await svc.inject({ method: 'POST', url: `/v1/tasks/${task.id}/complete`, payload: { data: {} } });
      expect(res.statusCode, res.body).toBe(200);
      c = res.json() as CaseBody;
    }
    expect(c.status).toBe('completed');
  };

  beforeAll(async () => {
    // Always rebuilt: the bundle must be the console sources of this checkout.
    execFileSync('node_modules/.bin/vite', ['build', '--config', 'console/vite.config.ts', '--logLevel', 'warn']);
    mkdirSync(SHOTS, { recursive: true });
    svc = await startService('console_monitoring', { env, background: false });
    await svc.container.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(svc.container.app.server.address() as AddressInfo).port}`;
    await createUnit(svc, { id: 'tinh-v', code: '000.00.00.V01', kind: 'province' });
    await createUnit(svc, { id: 'xa-v1', code: '000.00.41.V01', parentId: 'tinh-v' });
    await createUnit(svc, { id: 'xa-v2', code: '000.00.42.V01', parentId: 'tinh-v' });
    supervisor = await createKey(svc, 'supervisor', ['tinh-v']);
    for (const [key, quota, statutory] of [['tight_view', '0.001 working minutes', '0.002 working minutes'], ['loose_view', '100 working days', '300 working days']]) {
      const res = await svc.inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml.replace(/PROC_KEY/g, key!).replace(/QUOTA/g, quota!).replace('STATUTORY', statutory!) });
      expect([200, 201], res.body).toContain(res.statusCode);
    }
    for (const [key, unit] of [['tight_view', 'xa-v1'], ['tight_view', 'xa-v2'], ['tight_view', 'xa-v1'], ['loose_view', 'xa-v2']] as const) await run(key, unit);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    svc?.container.app.server.closeAllConnections();
    await svc?.destroy();
  }, 120_000);

  const signedIn = async (): Promise<{ page: Page; errors: string[]; close: () => Promise<void> }> => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/console/`);
    await page.waitForSelector('#signin', { timeout: 30_000 });
    await page.fill('#apikey', supervisor.key);
    await page.click('#signin button');
    await page.waitForSelector('#overview', { timeout: 30_000 });
    return { page, errors, close: () => context.close() };
  };

  const bucketsOnPage = (page: Page) =>
    page.$$eval('#trend-chart g.bucket', (gs) =>
      gs.map((g) => ({ period: g.getAttribute('data-period'), received: Number(g.getAttribute('data-received')), early: Number(g.getAttribute('data-early')), onTime: Number(g.getAttribute('data-on-time')), late: Number(g.getAttribute('data-late')) })),
    );

  it('draws the trend chart with the figures the API gives, by day and by month, and its table', async () => {
    const { page, errors, close } = await signedIn();
    const api = async (grain: string) => ((await supervisor.inject({ method: 'GET', url: `/v1/monitoring/trends?grain=${grain}` })).json() as { series: Bucket[] }).series;
    const daily = await api('day');
    expect(daily.reduce((n, b) => n + b.received, 0)).toBe(4);
    expect(daily.reduce((n, b) => n + b.late, 0)).toBe(3);
    await page.waitForSelector('#trend-chart g.bucket', { timeout: 30_000 });
    expect(await bucketsOnPage(page)).toEqual(daily.map(({ period, received, early, onTime, late }) => ({ period, received, early, onTime, late })));
    // Today's bar: three late finishes stacked over one early (or on time) one.
    const today = daily.at(-1)!;
    expect(await page.locator(`#trend-chart g.bucket[data-period="${today.period}"] rect.late`).count()).toBe(1);
    const rows = await page.$$eval('#trend-table tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent)));
    expect(rows).toEqual(daily.map((b) => [b.period, String(b.received), String(b.early), String(b.onTime), String(b.late)]));
    expect(await page.textContent('#trends h2')).toBe('Xu hướng tiếp nhận và giải quyết');
    // The summary's per-unit and per-procedure tables, figure by figure.
    type Row = { figures: Record<string, number | null> };
    const summary = (await supervisor.inject({ method: 'GET', url: '/v1/monitoring/summary' })).json() as { byUnit: (Row & { unitId: string })[]; byProcedure: (Row & { procedureKey: string })[] };
    const cells = (selector: string) =>
      page.$$eval(selector, (trs) => trs.map((tr) => [...tr.querySelectorAll('td[data-field]')].map((td) => [td.getAttribute('data-field'), td.textContent])));
    const expected = (rows: Row[]) =>
      rows.map((r) => ['received', 'inProgress', 'paused', 'early', 'onTime', 'late', 'onTimeRate'].map((f) => [f, f === 'onTimeRate' ? (r.figures[f] == null ? '–' : `${Math.round(r.figures[f]! * 1000) / 10}%`) : String(r.figures[f])]));
    expect(summary.byUnit.map((u) => u.unitId)).toEqual(['xa-v1', 'xa-v2']);
    expect(await cells('#units-table tbody tr')).toEqual(expected(summary.byUnit));
    expect(await cells('#procedures-table tbody tr')).toEqual(expected(summary.byProcedure));
    await page.screenshot({ path: `${SHOTS}/trends-day-vi.png`, fullPage: true });

    await page.click('#grain-month');
    await page.waitForSelector('#trends[data-grain="month"] #trend-chart', { timeout: 30_000 });
    const monthly = await api('month');
    expect(await bucketsOnPage(page)).toEqual(monthly.map(({ period, received, early, onTime, late }) => ({ period, received, early, onTime, late })));
    expect(await page.getAttribute('#trend-csv', 'href')).toBe('/v1/monitoring/trends?grain=month&format=csv&lang=vi');
    await page.screenshot({ path: `${SHOTS}/trends-month-vi.png` });
    expect(errors).toEqual([]);
    await close();
  }, 120_000);

  it('shows which steps and units ate the time of late dossiers as the API attributes them, in English too', async () => {
    const { page, errors, close } = await signedIn();
    const items = ((await supervisor.inject({ method: 'GET', url: '/v1/monitoring/attribution' })).json() as { items: Blame[] }).items;
    expect(items.map((b) => [b.unitId, b.activityId, b.steps]).sort()).toEqual([['xa-v1', 'check', 2], ['xa-v1', 'sign', 2], ['xa-v2', 'check', 1], ['xa-v2', 'sign', 1]]);
    await page.click('#nav-attribution');
    await page.waitForSelector('#attribution-table', { timeout: 30_000 });
    const rows = await page.$$eval('#attribution-table tbody tr', (trs) =>
      trs.map((tr) => ({ unit: tr.getAttribute('data-unit'), activity: tr.getAttribute('data-activity'), steps: Number(tr.getAttribute('data-steps')), over: Number(tr.getAttribute('data-over-minutes')), name: tr.querySelectorAll('td')[2]?.textContent })),
    );
    expect(rows).toEqual(items.map((b) => ({ unit: b.unitId, activity: b.activityId, steps: b.steps, over: b.overMinutes, name: b.name })));
    expect(await page.textContent('#attribution h2')).toBe('Bước làm chậm hồ sơ trễ hạn');
    await page.screenshot({ path: `${SHOTS}/attribution-vi.png`, fullPage: true });

    await page.click('#lang');
    await page.waitForSelector('html[lang="en"]', { timeout: 30_000 });
    await page.waitForSelector('#attribution h2:text-is("Steps that made dossiers late")', { timeout: 30_000 });
    expect(await page.getAttribute('#attribution #csv', 'href')).toBe('/v1/monitoring/attribution?format=csv&lang=en');
    await page.click('#span-year');
    await page.waitForSelector('#attribution[data-span="year"] #attribution-table', { timeout: 30_000 });
    expect(await page.locator('#attribution-table tbody tr').count()).toBe(items.length);
    await page.screenshot({ path: `${SHOTS}/attribution-en.png`, fullPage: true });
    await page.click('#lang');
    expect(errors).toEqual([]);
    await close();
  }, 120_000);

  it("draws a procedure version's step statistics as a table and each step's late share on its diagram", async () => {
    const { page, errors, close } = await signedIn();
    const stats = ((await supervisor.inject({ method: 'GET', url: '/v1/monitoring/procedures/tight_view/versions/1/steps' })).json() as { activities: Stat[] }).activities;
    expect(stats.map((a) => [a.activityId, a.count, a.lateShare])).toEqual([['check', 3, 1], ['sign', 3, 1]]);
    await page.goto(`${base}/console/#/procedure/tight_view/1`);
    await page.waitForSelector('#diagram[data-ready="true"], #diagram .error, #app > .error', { timeout: 30_000 });
    expect(await page.getAttribute('#diagram', 'data-ready'), await page.innerHTML('#app')).toBe('true');
    const rows = await page.$$eval('#steps-table tbody tr', (trs) => trs.map((tr) => [tr.getAttribute('data-activity'), Number(tr.getAttribute('data-count')), tr.querySelectorAll('td')[0]?.textContent, tr.querySelectorAll('td')[4]?.textContent]));
    expect(rows).toEqual(stats.map((a) => [a.activityId, a.count, a.name, '100%']));
    for (const a of stats) expect(await page.textContent(`.badge[data-activity="${a.activityId}"] .late-share`)).toBe('100%');
    await page.screenshot({ path: `${SHOTS}/procedure-steps-vi.png`, fullPage: true });
    expect(errors).toEqual([]);
    await close();
  }, 120_000);
});
