/**
 * Runs each procedure of processes/ on the real engine path (compileProcedure + runStep, as
 * the case service does, without the database): the main path, the supplement loop, the
 * refusals, the fee wait with its reminder, and the "no decision recorded" re-opening.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { createVietnamCalendar, vnTime } from '../../src/calendar/index.js';
import type { Wait } from '../../src/domain/case.js';
import { calendarDurationResolver } from '../../src/deadlines/timer-durations.js';
import { createModdle } from '../../src/engine/moddle.js';
import { compileProcedure, type CompiledProcedure } from '../../src/engine/procedure-compiler.js';
import { runStep, type StepAction } from '../../src/engine/step-runner.js';
import { parseDmn } from '../../src/decisions/dmn-parse.js';
import { evaluateDecision } from '../../src/decisions/evaluate.js';
import { DECISION_TOPIC, mapDecisionResult } from '../../src/decisions/decision-task.js';

const processesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../processes');
const resolveDuration = calendarDurationResolver(createVietnamCalendar());
/** Monday 2 March 2026, 09:00 in Vietnam: an ordinary working day. */
const MONDAY_9AM = vnTime('2026-03-02', '09:00');

async function compile(key: string): Promise<CompiledProcedure> {
  const xml = readFileSync(path.join(processesDir, `${key}.bpmn`), 'utf8');
  return compileProcedure(key, 1, await createModdle().fromXML(xml));
}

/** One case, advanced step by step like the case service does (data merged before each step). */
class CaseRun {
  private state: unknown = null;
  waits: Wait[] = [];
  status: 'active' | 'completed' | 'error' = 'active';
  readonly entered: string[] = [];
  readonly variables: Record<string, unknown>;

  constructor(
    private readonly procedure: CompiledProcedure,
    data: Record<string, unknown> = {},
    private readonly now: Date = MONDAY_9AM,
  ) {
    this.variables = { ...data };
  }

  private async step(action: StepAction, data: Record<string, unknown> = {}): Promise<void> {
    Object.assign(this.variables, data);
    const outcome = await runStep({
      procedure: this.procedure,
      caseId: 'case-1',
      engineState: this.state,
      variables: this.variables,
      waits: this.waits,
      action,
      now: this.now,
      resolveDuration,
    });
    if (outcome.status === 'error') throw outcome.error ?? new Error('engine error');
    expect(outcome.actionApplied).toBe(true);
    this.state = outcome.engineState;
    this.waits = outcome.waits;
    this.status = outcome.status;
    this.entered.push(...outcome.events.filter((e) => e.type === 'step.entered').map((e) => e.activityId));
  }

  /** What the case waits for, e.g. ['task:Activity_Review', 'message:supplement']. */
  waiting(): string[] {
    return this.waits
      .map((w) => (w.kind === 'message' ? `message:${w.messageName}` : `${w.kind}:${w.activityId}`))
      .sort();
  }

  private find<K extends Wait['kind']>(kind: K, match: (w: Extract<Wait, { kind: K }>) => boolean): Extract<Wait, { kind: K }> {
    const wait = this.waits.find((w): w is Extract<Wait, { kind: K }> => w.kind === kind && match(w as Extract<Wait, { kind: K }>));
    if (!wait) throw new Error(`no ${kind} wait found; the case waits for ${this.waiting().join(', ') || 'nothing'}`);
    return wait;
  }

  start(): Promise<void> {
    return this.step({ type: 'start' });
  }

  complete(activityId: string, data: Record<string, unknown> = {}): Promise<void> {
    return this.step({ type: 'signal', wait: this.find('task', (w) => w.activityId === activityId) }, data);
  }

  message(name: string, data: Record<string, unknown> = {}): Promise<void> {
    return this.step({ type: 'signal', wait: this.find('message', (w) => w.messageName === name) }, data);
  }

  fireTimer(activityId: string): Promise<void> {
    return this.step({ type: 'fireTimer', wait: this.find('timer', (w) => w.activityId === activityId) });
  }

  /** The plugin worker's part: finish a pending service task with the plugin's output. */
  service(activityId: string, output: Record<string, unknown> = { lastNotification: { activityId } }): Promise<void> {
    const wait = this.find('service', (w) => w.activityId === activityId);
    expect(wait.topic).toBe('notify-applicant');
    return this.step({ type: 'completeService', wait, output }, output);
  }

  /** The decision runner's part: a business rule task evaluates its table of processes/ on the case data. */
  async decision(activityId: string): Promise<void> {
    const wait = this.find('service', (w) => w.activityId === activityId);
    expect(wait.topic).toBe(DECISION_TOPIC);
    const spec = this.procedure.catalog.get(activityId)?.decision;
    if (!spec) throw new Error(`${activityId} names no decision`);
    const { tables } = await parseDmn(readFileSync(path.join(processesDir, `${spec.decisionRef}.dmn`), 'utf8'));
    const output = { [spec.resultVariable]: mapDecisionResult(evaluateDecision(tables, spec.decisionRef, this.variables), spec) };
    return this.step({ type: 'completeService', wait, output }, output);
  }

  timer(activityId: string): Extract<Wait, { kind: 'timer' }> {
    return this.find('timer', (w) => w.activityId === activityId);
  }
}

describe('birth-registration', () => {
  let procedure: CompiledProcedure;
  beforeAll(async () => {
    procedure = await compile('birth-registration');
  });

  it('main path: receive → check and register → sign → return', async () => {
    const run = new CaseRun(procedure, { child: { fullName: 'Nguyễn Minh An' } });
    await run.start();
    expect(run.waiting()).toEqual(['task:Activity_Receive']);
    await run.complete('Activity_Receive');
    expect(run.waiting()).toEqual(['task:Activity_Review']);
    await run.complete('Activity_Review', { complete: true });
    await run.complete('Activity_Sign', { approved: true });
    await run.complete('Activity_Return');
    expect(run.status).toBe('completed');
    expect(run.entered).toContain('EndEvent_Issued');
  });

  it('supplement loop: the request goes out, the case waits, the check starts again', async () => {
    const run = new CaseRun(procedure);
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_Review', { complete: false, missing: ['Giấy chứng sinh'] });
    await run.service('Activity_RequestSupplement');
    expect(run.waiting()).toEqual(['message:supplement']);
    await run.message('supplement', { note: 'Giấy chứng sinh bổ sung' });
    expect(run.waiting()).toEqual(['task:Activity_Review']);
    await run.complete('Activity_Review', { complete: true });
    await run.complete('Activity_Sign', { approved: true });
    await run.complete('Activity_Return');
    expect(run.status).toBe('completed');
    expect(run.entered.filter((id) => id === 'Activity_Review')).toHaveLength(2);
  });

  it('refusal: a written answer, then the end', async () => {
    const run = new CaseRun(procedure);
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_Review', { complete: true });
    await run.complete('Activity_Sign', { approved: false, reason: 'Không thuộc thẩm quyền' });
    await run.service('Activity_NotifyRefusal');
    expect(run.status).toBe('completed');
    expect(run.entered).toContain('EndEvent_Refused');
    expect(run.entered).not.toContain('Activity_Return');
  });

  it('a task completed without its decision opens again', async () => {
    const run = new CaseRun(procedure);
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_Review', {});
    expect(run.waiting()).toEqual(['task:Activity_Review']);
    await run.complete('Activity_Review', { complete: true });
    await run.complete('Activity_Sign', { note: 'quên ghi quyết định' });
    expect(run.waiting()).toEqual(['task:Activity_Sign']);
  });
});

describe('certified-copy', () => {
  let procedure: CompiledProcedure;
  beforeAll(async () => {
    procedure = await compile('certified-copy');
  });

  it('simple request: check → sign → return', async () => {
    const run = new CaseRun(procedure);
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_Check', { valid: true });
    expect(run.waiting()).toEqual(['task:Activity_Sign']);
    await run.complete('Activity_Sign');
    await run.complete('Activity_Return');
    expect(run.status).toBe('completed');
    expect(run.entered).not.toContain('Activity_ComplexReview');
  });

  it('complex request: the second review comes before signing', async () => {
    const run = new CaseRun(procedure);
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_Check', { valid: true, complex: true });
    expect(run.waiting()).toEqual(['task:Activity_ComplexReview']);
    await run.complete('Activity_ComplexReview');
    await run.complete('Activity_Sign');
    await run.complete('Activity_Return');
    expect(run.status).toBe('completed');
  });

  it('an original that may not be copied is refused in writing', async () => {
    const run = new CaseRun(procedure);
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_Check', { valid: false, reason: 'Bản chính bị tẩy xóa' });
    await run.service('Activity_NotifyRefusal');
    expect(run.status).toBe('completed');
    expect(run.entered).toContain('EndEvent_Refused');
  });
});

describe('household-business-registration', () => {
  let procedure: CompiledProcedure;
  beforeAll(async () => {
    procedure = await compile('household-business-registration');
  });

  it('main path and the supplement loop', async () => {
    const run = new CaseRun(procedure, { businessName: 'Hộ kinh doanh Bánh mì Cô Ba' });
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_Review', { complete: false, missing: ['Biên bản họp thành viên hộ gia đình'] });
    await run.service('Activity_RequestSupplement');
    await run.message('supplement');
    await run.complete('Activity_Review', { complete: true });
    await run.complete('Activity_Approve', { approved: true, registrationNumber: '99A8001234' });
    await run.complete('Activity_Return');
    expect(run.status).toBe('completed');
    expect(run.entered).toContain('EndEvent_Registered');
  });

  it('refusal by the office head', async () => {
    const run = new CaseRun(procedure);
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_Review', { complete: true });
    await run.complete('Activity_Approve', { approved: false, reason: 'Tên trùng' });
    await run.service('Activity_NotifyRefusal');
    expect(run.status).toBe('completed');
    expect(run.entered).toContain('EndEvent_Refused');
  });
});

describe('building-permit', () => {
  let procedure: CompiledProcedure;
  beforeAll(async () => {
    procedure = await compile('building-permit');
  });

  async function approved(run: CaseRun): Promise<void> {
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_Review', { complete: true, proposal: 'grant' });
    await run.complete('Activity_Approve', { approved: true });
    expect(run.waiting()).toEqual(['service:Activity_DetermineFee']);
    await run.decision('Activity_DetermineFee');
  }

  it('main path: the fee is awaited (with a reminder timer armed), then issue and return', async () => {
    const run = new CaseRun(procedure, { plot: { plotNumber: '125' } });
    await approved(run);
    expect(run.variables.feeAmount).toBe(75000); // a new permit, from processes/building-permit-fee.dmn
    expect(run.waiting()).toEqual(['message:payment', 'timer:Event_FeeReminder']);
    // 2 working days after Monday 09:00 (the same instant: steps take no time here).
    expect(run.timer('Event_FeeReminder').expireAt).toBe(vnTime('2026-03-04', '09:00').toISOString());
    await run.message('payment', { paidAmount: 75000 });
    expect(run.waiting()).toEqual(['task:Activity_Issue']);
    await run.complete('Activity_Issue', { permitNumber: '15/GPXD' });
    await run.complete('Activity_Return');
    expect(run.status).toBe('completed');
    expect(run.entered).not.toContain('Activity_RemindFee');
  });

  it('the reminder does not end the wait: the applicant is reminded, the fee still comes in', async () => {
    const run = new CaseRun(procedure, { permitKind: 'Gia hạn' });
    await approved(run);
    expect(run.variables.feeAmount).toBe(15000); // an extension

    await run.fireTimer('Event_FeeReminder');
    expect(run.waiting()).toEqual(['message:payment', 'service:Activity_RemindFee']);
    await run.service('Activity_RemindFee');
    expect(run.waiting()).toEqual(['message:payment']);
    await run.message('payment');
    await run.complete('Activity_Issue');
    await run.complete('Activity_Return');
    expect(run.status).toBe('completed');
    expect(run.entered).toEqual(expect.arrayContaining(['EndEvent_Reminded', 'EndEvent_Issued']));
  });

  it('supplement loop back to the review, and a refusal after it', async () => {
    const run = new CaseRun(procedure);
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_Review', { complete: false, missing: ['Bản vẽ mặt bằng móng'] });
    await run.service('Activity_RequestSupplement');
    expect(run.waiting()).toEqual(['message:supplement']);
    await run.message('supplement');
    await run.complete('Activity_Review', { complete: true, proposal: 'refuse' });
    await run.complete('Activity_Approve', { approved: false, reason: 'Không phù hợp quy hoạch' });
    await run.service('Activity_NotifyRefusal');
    expect(run.status).toBe('completed');
    expect(run.entered).toContain('EndEvent_Refused');
    expect(run.entered).not.toContain('Activity_AwaitFee');
  });
});

describe('social-allowance', () => {
  let procedure: CompiledProcedure;
  beforeAll(async () => {
    procedure = await compile('social-allowance');
  });

  it('all at the commune: review, appraisal, the chairman decides (Decree 147/2025 art. 5(1)), return at the desk', async () => {
    const run = new CaseRun(procedure, { category: 'dieu-5-khoan-6' });
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_CommuneReview', { complete: false, missing: ['Giấy xác nhận khuyết tật'] });
    await run.service('Activity_RequestSupplement');
    await run.message('supplement');
    await run.complete('Activity_CommuneReview', { complete: true });
    expect(run.waiting()).toEqual(['task:Activity_Appraisal']);
    await run.complete('Activity_Appraisal');
    expect(run.waiting()).toEqual(['task:Activity_Decision']);
    const decision = procedure.catalog.get('Activity_Decision');
    expect(decision?.properties.unit).toBe('processing');
    expect(decision?.candidateGroups).toEqual(['leader']);
    expect(decision?.name).toMatch(/Chủ tịch UBND cấp xã/);
    await run.complete('Activity_Decision', { approved: true, monthlyAmount: 750000, startMonth: '2026-03' });
    expect(run.waiting()).toEqual(['task:Activity_Return']);
    expect(procedure.catalog.get('Activity_Return')?.properties.unit).toBe('receiving');
    await run.complete('Activity_Return');
    expect(run.status).toBe('completed');
    expect(run.entered).toContain('EndEvent_Decided');
  });

  it('the chairman refuses: a written answer with the reasons', async () => {
    const run = new CaseRun(procedure);
    await run.start();
    await run.complete('Activity_Receive');
    await run.complete('Activity_CommuneReview', { complete: true });
    await run.complete('Activity_Appraisal');
    await run.complete('Activity_Decision', {});
    expect(run.waiting()).toEqual(['task:Activity_Decision']);
    await run.complete('Activity_Decision', { approved: false, reason: 'Không thuộc đối tượng' });
    await run.service('Activity_NotifyRefusal');
    expect(run.status).toBe('completed');
    expect(run.entered).toContain('EndEvent_Refused');
  });
});
