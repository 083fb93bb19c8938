/**
 * The supervisors' console in Debian's Chromium (playwright-core, never a browser download),
 * against a real service on FerretDB/Redis: sign-in, session cookie rules, overview tiles
 * checked against the API, language switch, a dossier followed to its page with the current
 * step marked on the diagram, the overdue list opened from the overview and a dossier followed
 * from it. Screenshots go to .local/console-screenshots/.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { MongoClient } from 'mongodb';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLES } from '../fixtures/dossier-examples.js';
import { eventually, startService, type TestService } from '../support/harness.js';

const CHROMIUM = '/usr/bin/chromium';
const SHOTS = '.local/console-screenshots';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`tests/console: skipped, ${CHROMIUM} is missing (scripts/test installs it with apt-get install chromium)`);

describe.skipIf(!haveChromium)('console in the browser', () => {
  let svc: TestService;
  let browser: Browser;
  let base: string;
  const adminKey = () => svc.env.ADMIN_API_KEY as string;

  beforeAll(async () => {
    if (!existsSync('.local/console-dist/index.html')) execFileSync('node_modules/.bin/vite', ['build', '--config', 'console/vite.config.ts', '--logLevel', 'warn']);
    mkdirSync(SHOTS, { recursive: true });
    svc = await startService('console-browser');
    await svc.container.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(svc.container.app.server.address() as AddressInfo).port}`;
    await svc.container.publishDirectory('processes');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    // Keep-alive sockets of the browser and of fetch would hold app.close() open.
    svc?.container.app.server.closeAllConnections();
    await svc?.destroy();
  }, 120_000);

  it('issues an HttpOnly, SameSite=Strict, expiring cookie that works for reads only', async () => {
    const bad = await fetch(`${base}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: 'nope' }) });
    expect(bad.status).toBe(401);
    const res = await fetch(`${base}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ apiKey: adminKey() }) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get('set-cookie') as string;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=3600/);
    const sid = cookie.split(';')[0] as string;
    expect((await fetch(`${base}/v1/units`, { headers: { cookie: sid } })).status).toBe(200);
    // A cookie never authorises a change (no CSRF token needed: the console is read-only).
    const write = await fetch(`${base}/v1/units`, { method: 'POST', headers: { cookie: sid, 'content-type': 'application/json' }, body: '{}' });
    expect(write.status).toBe(401);
    await fetch(`${base}/console/session`, { method: 'DELETE', headers: { cookie: sid } });
    expect((await fetch(`${base}/v1/units`, { headers: { cookie: sid } })).status).toBe(401);
  });

  it('serves the page revalidated and the hashed assets immutable, under its own CSP', async () => {
    const page = await fetch(`${base}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const html = await page.text();
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(html)?.[1] as string;
    const js = await fetch(`${base}${asset}`);
    expect(js.headers.get('cache-control')).toMatch(/immutable/);
    expect((await fetch(`${base}/console/assets/none.js`)).status).toBe(404);
  });

  it('signs in, shows the tiles as the API counts them, switches language and signs out', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/console/`);
    await page.waitForSelector('#signin', { timeout: 30_000 });
    expect(await page.textContent('#signin button')).toBe('Đăng nhập');
    await page.screenshot({ path: `${SHOTS}/sign-in.png` });

    await page.fill('#apikey', 'wrong-key');
    await page.click('#signin button');
    await page.waitForSelector('#signin .error', { timeout: 30_000 });

    await page.fill('#apikey', adminKey());
    await page.click('#signin button');
    await page.waitForSelector('#overview', { timeout: 30_000 });
    const summary = await svc.inject({ method: 'GET', url: '/v1/monitoring/summary' });
    if (summary.statusCode === 200) {
      const totals = (JSON.parse(summary.body) as { totals: Record<string, number> }).totals;
      for (const [tile, field] of [['received', 'received'], ['inProgress', 'inProgress'], ['paused', 'paused'], ['finishedLate', 'late']]) {
        expect(await page.textContent(`[data-figure="${tile}"] .value`)).toBe(String(totals[field as string]));
      }
    } else {
      // The monitoring API is not there yet: the console says so instead of inventing figures.
      await page.waitForSelector('#overview .error', { timeout: 30_000 });
    }
    await page.screenshot({ path: `${SHOTS}/overview-vi.png` });

    await page.click('#lang');
    await page.waitForSelector('html[lang="en"]', { timeout: 30_000 });
    expect(await page.textContent('#signout')).toBe('Sign out');
    await page.screenshot({ path: `${SHOTS}/overview-en.png` });
    await page.reload();
    await page.waitForSelector('#overview', { timeout: 30_000 });
    expect(await page.textContent('#title')).toBe('Dossier processing monitor');

    await page.click('#signout');
    await page.waitForSelector('#signin', { timeout: 30_000 });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('follows a dossier by its code to its page, with the current step marked on the diagram', async () => {
    const res = await svc.inject({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: 'social-allowance', applicant: { name: 'Lê Thị Mai', phone: '0909123456' }, data: EXAMPLES['social-allowance']!.valid, channel: 'in-person', receivingUnitId: 'xa-nui-may' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id, code } = JSON.parse(res.body) as { id: string; code: string };
    const dossier = JSON.parse((await svc.inject({ method: 'GET', url: `/v1/dossiers/${id}` })).body) as { case: { tasks: { activityId: string }[] } };
    const current = dossier.case.tasks[0]?.activityId as string;
    expect(current).toBeTruthy();
    // Task inbox rows are applied just after the commit: wait until the API lists the open task.
    await eventually(async () => {
      const tasks = JSON.parse((await svc.inject({ method: 'GET', url: `/v1/tasks?status=open&activityId=${current}` })).body) as { items: { caseId: string }[] };
      return tasks.items.some((x) => x.caseId === id) || undefined;
    }, 30_000);

    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/console/`);
    await page.locator('#apikey').fill(adminKey());
    await page.locator('#signin button').click();
    await page.locator('#code').fill(code);
    await page.locator('#find button').click();
    await page.locator(`#dossier[data-dossier="${id}"]`).waitFor({ timeout: 30_000 });
    await page.locator('#diagram[data-ready="true"]').waitFor({ timeout: 30_000 });
    const shape = page.locator(`#diagram g.djs-element[data-element-id="${current}"]`);
    await expect.poll(async () => (await shape.getAttribute('class')) ?? '', { timeout: 30_000 }).toContain('step-current');
    expect(await page.locator('#sheet tbody tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}/dossier-vi.png`, fullPage: true });
    await page.locator('#lang').click();
    await page.locator('html[lang="en"]').waitFor({ timeout: 30_000 });
    // The page re-renders in English: wait for the new heading, then for its diagram.
    await page.locator('#dossier h2', { hasText: `Dossier ${code}` }).waitFor({ timeout: 30_000 });
    await page.locator('#diagram[data-ready="true"]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/dossier-en.png`, fullPage: true });

    // The procedure page counts the open task on its activity.
    await page.locator('#procedure-link').click();
    await page.locator('#procedure #diagram[data-ready="true"]').waitFor({ timeout: 30_000 });
    const open = Number(await page.locator(`.badge[data-activity="${current}"] .open`).textContent());
    expect(open).toBeGreaterThanOrEqual(1);
    await page.screenshot({ path: `${SHOTS}/procedure-en.png` });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('opens the overdue list from the overview, follows a dossier to its page, and shows the due-soon and escalation lists', async () => {
    const res = await svc.inject({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: 'social-allowance', applicant: { name: 'Trần Văn Quá Hạn' }, data: EXAMPLES['social-allowance']!.valid, channel: 'in-person', receivingUnitId: 'xa-nui-may' },
    });
    expect(res.statusCode, res.body).toBe(201);
    const { id, code } = JSON.parse(res.body) as { id: string; code: string };
    // Its appointment date moved two days back: the dossier is overdue now.
    const mongo = new MongoClient(svc.env.MONGODB_URL as string);
    await mongo.connect();
    const due = new Date(Date.now() - 2 * 86_400_000).toISOString();
    await mongo.db().collection<{ _id: string }>('cases').updateOne({ _id: id }, { $set: { 'clock.dueAt': due } });
    // As a commit moving the due instant writes it on the open task rows the lists read.
    await mongo.db().collection('tasks').updateMany({ caseId: id, status: 'open' }, { $set: { caseDueAt: due, workOrder: `${due}|${code}` } });
    await mongo.close();
    const overdue = await eventually(async () => {
      const body = JSON.parse((await svc.inject({ method: 'GET', url: '/v1/monitoring/overdue?total=true' })).body) as { items: { dossierId: string; stepName: string }[]; total: number };
      return body.items.some((r) => r.dossierId === id) ? body : undefined;
    }, 30_000);
    const row = overdue.items.find((r) => r.dossierId === id)!;

    const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${base}/console/`);
    await page.locator('#apikey').fill(adminKey());
    await page.locator('#signin button').click();
    await page.locator('#overview').waitFor({ timeout: 30_000 });
    expect(await page.textContent('[data-figure="overdueNow"] .value')).toBe(String(overdue.total));

    await page.locator('#nav-overdue').click();
    const listed = page.locator(`#table-overdue tr[data-dossier="${id}"]`);
    await listed.waitFor({ timeout: 30_000 });
    expect(await page.locator('#list-overdue h2').textContent()).toBe(`Hồ sơ quá hạn: ${overdue.total}`);
    expect(await listed.locator('td').nth(2).textContent()).toBe(row.stepName);
    expect(await page.locator('#csv').getAttribute('href')).toBe('/v1/monitoring/overdue?format=csv&lang=vi');
    await page.screenshot({ path: `${SHOTS}/overdue-vi.png`, fullPage: true });

    await listed.locator('a.dossier-link').click();
    await page.locator(`#dossier[data-dossier="${id}"]`).waitFor({ timeout: 30_000 });
    expect(await page.locator('#dossier h2').textContent()).toBe(`Hồ sơ ${code}`);
    await page.locator('#diagram[data-ready="true"]').waitFor({ timeout: 30_000 });

    await page.goto(`${base}/console/#/due-soon`);
    await page.locator('#list-due-soon').waitFor({ timeout: 30_000 });
    await page.locator('#lang').click();
    await page.locator('#list-due-soon h2', { hasText: 'Dossiers due soon' }).waitFor({ timeout: 30_000 });
    await page.goto(`${base}/console/#/escalations`);
    await page.locator('#list-escalations h2', { hasText: 'Reminders and breaches' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/escalations-en.png`, fullPage: true });
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);
});
