import { readFileSync } from 'node:fs';
import { Queue } from 'bullmq';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDateOf } from '../../src/calendar/index.js';
import { createKey, TEST_UNIT_ID, createTestUnit } from '../support/auth.js';
import { eventually, isolatedEnv, startService, type TestService } from '../support/harness.js';

const supplementXml = readFileSync('tests/fixtures/deadlines/supplement.bpmn', 'utf8');
const fastXml = readFileSync('tests/fixtures/deadlines/fast.bpmn', 'utf8');
const timerXml = readFileSync('tests/fixtures/deadlines/working-timer.bpmn', 'utf8');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface CaseBody {
  id: string;
  status: string;
  tasks: { id: string; activityId: string; dueAt: string | null }[];
  deadline: { dueAt: string; paused: boolean; reminded: boolean; breached: boolean; late: boolean } | null;
  sla: { class: string; usedMinutes: number; budgetMinutes: number } | null;
}

/** Working time equals wall time here (24/7, no holidays), so budgets of seconds are real seconds. */
const env = {
  ...isolatedEnv('deadlines'),
  OFFICE_HOURS: '00:00-24:00',
  WEEKEND_DAYS: 'none',
  CALENDAR_HOLIDAYS: 'none',
  CALENDAR_REFRESH_MS: '100',
};

describe('the statutory clock on running cases', () => {
  let a: TestService;
  let b: TestService;
  let deadlineQueue: Queue;
  const inject = (opts: InjectOptions, svc: TestService = a) => svc.inject(opts);
  const body = <T = CaseBody>(res: { body: string }) => JSON.parse(res.body) as T;
  const publish = async (xml: string) => {
    const res = await inject({ method: 'POST', url: '/v1/procedures', headers: { 'content-type': 'application/xml' }, payload: xml });
    expect([200, 201]).toContain(res.statusCode);
  };
  const start = async (procedureKey: string) => body(await inject({ method: 'POST', url: '/v1/cases', payload: { unitId: TEST_UNIT_ID, procedureKey, data: {} } }));
  const getCase = async (id: string) => body(await inject({ method: 'GET', url: `/v1/cases/${id}` }));
  const breachJob = (caseId: string, generation: number) => deadlineQueue.getJob(`dl-${caseId}-case-breach-g${generation}`);

  beforeAll(async () => {
    a = await startService('deadlines', { env });
    b = await startService('deadlines', { env }); // a second replica on the same stores
    await createTestUnit(a);
    deadlineQueue = new Queue('deadlines', { connection: { url: env.REDIS_URL }, prefix: env.REDIS_PREFIX });
    await publish(supplementXml.replace('CLOCK_MODE', 'restart'));
    await publish(supplementXml.replace('id="dl_supplement"', 'id="dl_resume"').replace('CLOCK_MODE', 'resume'));
    await publish(fastXml.replace(/BUDGET/g, '0.05 working minutes'));
    await publish(fastXml.replace('id="dl_fast"', 'id="dl_slow"').replace(/BUDGET/g, '0.15 working minutes'));
    await publish(timerXml);
  }, 60_000);
  afterAll(async () => {
    await deadlineQueue?.close();
    await b?.close();
    await a?.destroy();
  });

  it('gives the case its appointment date and each task its step due instant, in working time', async () => {
    const before = Date.now();
    const c = await start('dl_supplement');
    const due = new Date(c.deadline!.dueAt).getTime();
    expect(due - before).toBeGreaterThanOrEqual(2 * 86_400_000 - 1_000);
    expect(due - before).toBeLessThan(2 * 86_400_000 + 5_000);
    expect(new Date(c.tasks[0]!.dueAt!).getTime() - before).toBeLessThan(86_400_000 + 5_000);
    const job = await breachJob(c.id, 1);
    expect(job).toBeTruthy();
    expect(Math.abs(job!.timestamp + job!.delay - due)).toBeLessThan(5_000);
  });

  it('stops the clock while waiting for a supplement and restarts it from zero', async () => {
    const c = await start('dl_supplement');
    const firstDue = c.deadline!.dueAt;
    const waiting = body(await inject({ method: 'POST', url: `/v1/tasks/${c.tasks[0]!.id}/complete`, payload: { data: { complete: false } } }));
    expect(waiting.deadline!.paused).toBe(true);
    expect(await breachJob(c.id, 1)).toBeFalsy(); // the pending breach is withdrawn while paused
    expect(await breachJob(c.id, 2)).toBeFalsy();

    await sleep(1_200);
    const resumed = body(await inject({ method: 'POST', url: `/v1/cases/${c.id}/messages`, payload: { name: 'supplement', data: {} } }));
    expect(resumed.deadline!.paused).toBe(false);
    const restartedDue = new Date(resumed.deadline!.dueAt).getTime();
    expect(restartedDue - Date.now()).toBeGreaterThan(2 * 86_400_000 - 5_000); // a full budget again
    expect(restartedDue).toBeGreaterThan(new Date(firstDue).getTime() + 1_000);
    const job = await breachJob(c.id, 3);
    expect(Math.abs(job!.timestamp + job!.delay - restartedDue)).toBeLessThan(5_000);

    const history = body<{ items: { type: string }[] }>(await inject({ method: 'GET', url: `/v1/cases/${c.id}/history` })).items;
    expect(history.map((h) => h.type)).toContain('message.received');
  });

  it('resumes with what was left when the procedure says so (pause by API)', async () => {
    const c = await start('dl_resume');
    const firstDue = new Date(c.deadline!.dueAt).getTime();
    const paused = body(await inject({ method: 'POST', url: `/v1/cases/${c.id}/clock/pause`, payload: { reason: 'fees to pay' } }));
    expect(paused.deadline!.paused).toBe(true);
    expect((await inject({ method: 'POST', url: `/v1/cases/${c.id}/clock/pause`, payload: { reason: 'again' } })).statusCode).toBe(409);
    await sleep(1_500);
    const resumed = body(await inject({ method: 'POST', url: `/v1/cases/${c.id}/clock/resume`, payload: {} }));
    const shift = new Date(resumed.deadline!.dueAt).getTime() - firstDue;
    expect(shift).toBeGreaterThanOrEqual(1_400); // moved by the pause, not restarted
    expect(shift).toBeLessThan(10_000);
    expect(new Date(resumed.tasks[0]!.dueAt!).getTime()).toBeGreaterThan(new Date(c.tasks[0]!.dueAt!).getTime() + 1_400);
    expect((await inject({ method: 'POST', url: `/v1/cases/${c.id}/clock/resume`, payload: {} })).statusCode).toBe(409);
  });

  it('fires each reminder and breach exactly once with two replicas, and classifies the late work', async () => {
    const c = await start('dl_fast'); // 3 s budget: reminder at 75 %, breach at 100 %
    const escalations = await eventually(
      async () => {
        const list = body<{ items: { kind: string; subject: string }[]; total: number }>(
          await inject({ method: 'GET', url: `/v1/escalations?caseId=${c.id}&total=true` }, b),
        );
        return list.total >= 4 ? list.items : undefined;
      },
      15_000,
      200,
    );
    await sleep(1_500); // any duplicate would have landed by now
    const final = body<{ total: number }>(await inject({ method: 'GET', url: `/v1/escalations?caseId=${c.id}&total=true` }));
    expect(final.total).toBe(4);
    expect(escalations.map((e) => `${e.subject === 'case' ? 'case' : 'task'}:${e.kind}`).sort()).toEqual([
      'case:breach',
      'case:reminder',
      'task:breach',
      'task:reminder',
    ]);
    const marked = await getCase(c.id);
    expect(marked.deadline).toMatchObject({ reminded: true, breached: true, late: true });
    const task = body<{ escalation: string }>(await inject({ method: 'GET', url: `/v1/tasks/${c.tasks[0]!.id}` }));
    expect(task.escalation).toBe('breached');

    await inject({ method: 'POST', url: `/v1/tasks/${c.tasks[0]!.id}/complete`, payload: { data: {} } });
    const done = await getCase(c.id);
    expect(done.status).toBe('completed');
    expect(done.sla).toMatchObject({ class: 'late' });
    expect(done.sla!.usedMinutes).toBeGreaterThan(done.sla!.budgetMinutes);
    const finishedTask = body<{ sla: { class: string } }>(await inject({ method: 'GET', url: `/v1/tasks/${c.tasks[0]!.id}` }));
    expect(finishedTask.sla.class).toBe('late');
  }, 30_000);

  it("shows supervisors only their units' escalations", async () => {
    for (const id of ['xa-t', 'xa-u']) {
      const res = await inject({ method: 'POST', url: '/v1/units', payload: { id, code: `000.00.9${id === 'xa-t' ? 1 : 2}.H97`, name: id, kind: 'commune', parentId: null } });
      expect(res.statusCode, res.body).toBe(201);
    }
    const received = await inject({
      method: 'POST',
      url: '/v1/dossiers',
      payload: { procedureKey: 'dl_fast', applicant: { name: 'Test' }, data: {}, channel: 'online', receivingUnitId: 'xa-t' },
    });
    expect(received.statusCode, received.body).toBe(201);
    const id = body<{ id: string }>(received).id;
    await eventually(async () => {
      const all = body<{ total: number }>(await inject({ method: 'GET', url: `/v1/escalations?caseId=${id}&total=true` }));
      return all.total >= 4 ? all : undefined;
    }, 15_000, 200);
    const own = await createKey(a, 'supervisor', ['xa-t']);
    const other = await createKey(a, 'supervisor', ['xa-u']);
    const seen = (key: typeof own) => key.inject({ method: 'GET', url: `/v1/escalations?caseId=${id}&total=true` }).then((r) => body<{ total: number }>(r).total);
    expect(await seen(own)).toBe(4);
    expect(await seen(other)).toBe(0);
  }, 30_000);

  it('never escalates work that finished in time', async () => {
    const c = await start('dl_slow'); // 9 s budget
    await inject({ method: 'POST', url: `/v1/tasks/${c.tasks[0]!.id}/complete`, payload: { data: {} } });
    const done = await getCase(c.id);
    expect(done.sla!.class).not.toBe('late');
    await sleep(9_500);
    const list = body<{ total: number }>(await inject({ method: 'GET', url: `/v1/escalations?caseId=${c.id}&total=true` }));
    expect(list.total).toBe(0);
  }, 20_000);

  it('moves running deadlines when a calendar override makes a day a holiday', async () => {
    const c = await start('dl_supplement');
    const due = new Date(c.deadline!.dueAt);
    const dueDate = localDateOf(due);
    const res = await inject({
      method: 'PUT',
      url: `/v1/calendar/overrides/${dueDate}`,
      payload: { kind: 'holiday', name: 'Provincial day off', source: 'test decision' },
    });
    expect(res.statusCode).toBe(200);
    const moved = await eventually(async () => {
      const cur = await getCase(c.id);
      return new Date(cur.deadline!.dueAt).getTime() > due.getTime() + 3_600_000 ? cur : undefined;
    });
    const history = body<{ items: { type: string }[] }>(await inject({ method: 'GET', url: `/v1/cases/${c.id}/history` })).items;
    expect(history.map((h) => h.type)).toContain('deadline.recomputed');
    const jobs = await deadlineQueue.getDelayed();
    const breach = jobs.find((j) => j.id?.startsWith(`dl-${c.id}-case-breach-`));
    expect(Math.abs(breach!.timestamp + breach!.delay - new Date(moved.deadline!.dueAt).getTime())).toBeLessThan(5_000);
    await inject({ method: 'DELETE', url: `/v1/calendar/overrides/${dueDate}` });
  });

  it('moves a pending BPMN timer written in working time when the calendar changes', async () => {
    const c = await start('dl_timer');
    const timers = new Queue('timers', { connection: { url: env.REDIS_URL }, prefix: env.REDIS_PREFIX });
    const pending = async () => (await timers.getDelayed()).filter((j) => j.data.caseId === c.id);
    const [before] = await pending();
    const dueBefore = before!.timestamp + before!.delay;
    const holiday = localDateOf(new Date(dueBefore));
    expect((await inject({ method: 'PUT', url: `/v1/calendar/overrides/${holiday}`, payload: { kind: 'holiday', name: 'Day off', source: 'test' } })).statusCode).toBe(200);
    const [after] = await eventually(async () => {
      const jobs = await pending();
      return jobs.length === 1 && jobs[0]!.id !== before!.id ? jobs : undefined;
    });
    expect(after!.timestamp + after!.delay - dueBefore).toBeGreaterThan(3_600_000);
    // The job is added before the case document is written (the commit's effects come first).
    const timerDue = async () => {
      const view = body<{ waitingFor: { kind: string; dueAt: string }[] }>(await inject({ method: 'GET', url: `/v1/cases/${c.id}` }));
      return new Date(view.waitingFor.find((w) => w.kind === 'timer')!.dueAt).getTime();
    };
    const shown = await eventually(async () => {
      const due = await timerDue();
      return Math.abs(due - (after!.timestamp + after!.delay)) < 5_000 ? due : undefined;
    });
    expect(shown).toBeGreaterThan(dueBefore);
    await timers.close();
    await inject({ method: 'DELETE', url: `/v1/calendar/overrides/${holiday}` });
  });

  it('records an apology with a new appointment date and keeps the case late', async () => {
    const c = await start('dl_supplement');
    const newDueAt = new Date(new Date(c.deadline!.dueAt).getTime() + 3 * 86_400_000).toISOString();
    const res = await inject({ method: 'POST', url: `/v1/cases/${c.id}/apologies`, payload: { reason: 'site visit needed', newDueAt } });
    expect(res.statusCode).toBe(200);
    const after = body<CaseBody & { apologies: { newDueAt: string; previousDueAt: string }[] }>(res);
    expect(after.deadline!.dueAt).toBe(newDueAt);
    expect(after.deadline!.late).toBe(true);
    expect(after.apologies).toHaveLength(1);
    const earlier = await inject({ method: 'POST', url: `/v1/cases/${c.id}/apologies`, payload: { reason: 'x', newDueAt: c.deadline!.dueAt } });
    expect(earlier.statusCode).toBe(400);
  });

  it('reports early / on time / late per procedure and step, and open cases past due', async () => {
    const report = body<{
      finished: { total: number };
      byProcedure: { procedureKey: string; late: number; early: number; onTime: number }[];
      bySteps: { procedureKey: string; activityId: string; late: number }[];
      open: { overdue: { procedureKey: string }[] };
    }>(await inject({ method: 'GET', url: '/v1/reports/sla' }));
    expect(report.byProcedure.find((p) => p.procedureKey === 'dl_fast')?.late).toBeGreaterThanOrEqual(1);
    const slow = report.byProcedure.find((p) => p.procedureKey === 'dl_slow');
    expect((slow?.early ?? 0) + (slow?.onTime ?? 0)).toBeGreaterThanOrEqual(1);
    expect(slow?.late ?? 0).toBe(0);
    expect(report.bySteps.find((x) => x.procedureKey === 'dl_fast' && x.activityId === 'handle')?.late).toBeGreaterThanOrEqual(1);
    expect(report.open.overdue.some((o) => o.procedureKey === 'dl_fast')).toBe(true); // the supervisors' test left one open
    const filtered = body<{ byProcedure: { procedureKey: string }[] }>(await inject({ method: 'GET', url: '/v1/reports/sla?procedureKey=dl_slow' }));
    expect(filtered.byProcedure.map((p) => p.procedureKey)).toEqual(['dl_slow']);
  });
});
