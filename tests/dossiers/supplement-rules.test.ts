/**
 * The supplement rules' assessment (src/dossiers/supplement-rules.ts): the window counted on
 * the province calendar from receipt (both deadlineEnd readings, across 24/11/2026), the
 * maximum, and what each setting lets through.
 */
import { describe, expect, it } from 'vitest';
import { createWorkingCalendar } from '../../src/calendar/index.js';
import type { DossierInfo, Supplement } from '../../src/dossiers/types.js';
import { assessSupplement, enforceSupplementRules, supplementWaitMinutes, supplementWindowEnd } from '../../src/dossiers/supplement-rules.js';

// Only the 2026 Culture Day, so the test says which day off it crosses.
const entries = [{ date: '2026-11-24', kind: 'holiday' as const, name: 'Ngày Văn hóa Việt Nam', source: 'test' }];
const clockTime = createWorkingCalendar({ entries });
const endOfDay = createWorkingCalendar({ entries, deadlineEnd: 'end-of-day' });

/** Monday 23/11/2026 09:00 in Vietnam. */
const RECEIVED = '2026-11-23T02:00:00.000Z';
const supplement = (over: Partial<Supplement> = {}): Supplement => ({
  requestedAt: '2026-11-23T03:00:00.000Z',
  requestedBy: 'k',
  reason: 'thiếu',
  items: [],
  phase: 'processing',
  receivedAt: '2026-11-23T05:00:00.000Z',
  previousDueAt: null,
  newDueAt: null,
  ...over,
});
const dossier = (supplements: Supplement[] = []) => ({ receivedAt: RECEIVED, supplements }) as unknown as DossierInfo;
const codeOf = (fn: () => void): string | null => {
  try {
    fn();
    return null;
  } catch (err) {
    return (err as { code: string }).code;
  }
};

describe('supplement rules', () => {
  it('counts the window in working days from receipt, skipping 24/11/2026, as deadlineEnd says', () => {
    const props = { supplementWindowWorkingDays: '3' };
    // Mon 23 → Wed 25 (1), Thu 26 (2), Fri 27 (3): Tuesday 24 is the Culture Day.
    expect(supplementWindowEnd(dossier(), props, clockTime)).toBe('2026-11-27T02:00:00.000Z');
    expect(supplementWindowEnd(dossier(), props, endOfDay)).toBe('2026-11-27T10:00:00.000Z');
    expect(supplementWindowEnd(dossier(), {}, clockTime)).toBeNull();
    expect(supplementWindowEnd(dossier(), { supplementWindowWorkingDays: 'x' }, clockTime)).toBeNull();
    expect(supplementWindowEnd({ receivedAt: null }, props, clockTime)).toBeNull();
  });

  it('assesses the first, a second and a late request', () => {
    const props = { supplementWindowWorkingDays: '3' };
    const first = assessSupplement(dossier(), props, clockTime, new Date('2026-11-26T02:00:00Z'));
    expect(first).toMatchObject({ ordinal: 1, max: 1, breaches: [], late: false, lateInSla: false });
    const second = assessSupplement(dossier([supplement()]), props, clockTime, new Date('2026-11-26T02:00:00Z'));
    expect(second).toMatchObject({ ordinal: 2, breaches: ['repeated', 'over-limit'], late: true, lateInSla: true });
    const lateOne = assessSupplement(dossier(), props, clockTime, new Date('2026-11-27T02:01:00Z'));
    expect(lateOne.breaches).toEqual(['after-window']);
    // A raised maximum: the second request is allowed, still counted late (the index's rule).
    const raised = assessSupplement(dossier([supplement()]), { supplementMax: '2' }, clockTime, new Date('2026-11-26T02:00:00Z'));
    expect(raised).toMatchObject({ breaches: ['repeated'], late: true });
    expect(codeOf(() => enforceSupplementRules(raised, { supplementMax: '2' }, null))).toBeNull();
    // Requests before receipt do not count towards the maximum.
    const afterDesk = assessSupplement(dossier([supplement({ phase: 'before-receipt' })]), {}, clockTime, new Date('2026-11-26T02:00:00Z'));
    expect(afterDesk.ordinal).toBe(1);
    expect(assessSupplement(dossier([supplement()]), { supplementLateInSla: 'false' }, clockTime, new Date()).lateInSla).toBe(false);
  });

  it('refuses by default, asks for a justification where the procedure allows it', () => {
    const props = { supplementWindowWorkingDays: '3' };
    const second = assessSupplement(dossier([supplement()]), props, clockTime, new Date('2026-11-26T02:00:00Z'));
    expect(codeOf(() => enforceSupplementRules(second, props, 'x'))).toBe('SUPPLEMENT_LIMIT_REACHED');
    const lateOne = assessSupplement(dossier(), props, clockTime, new Date('2026-11-27T03:00:00Z'));
    expect(codeOf(() => enforceSupplementRules(lateOne, props, 'x'))).toBe('SUPPLEMENT_WINDOW_PASSED');
    const lenient = { ...props, supplementOverLimit: 'allow-with-reason', supplementAfterWindow: 'allow-with-reason' };
    expect(codeOf(() => enforceSupplementRules(second, lenient, null))).toBe('SUPPLEMENT_JUSTIFICATION_REQUIRED');
    expect(codeOf(() => enforceSupplementRules(lateOne, lenient, null))).toBe('SUPPLEMENT_JUSTIFICATION_REQUIRED');
    expect(codeOf(() => enforceSupplementRules(lateOne, lenient, 'hồ sơ phức tạp'))).toBeNull();
    // Only the rule the procedure relaxed: the window still refuses.
    expect(codeOf(() => enforceSupplementRules(lateOne, { ...props, supplementOverLimit: 'allow-with-reason' }, 'x'))).toBe('SUPPLEMENT_WINDOW_PASSED');
  });

  it('sums the waiting time of requests during processing', () => {
    const d = dossier([supplement(), supplement({ phase: 'before-receipt' }), supplement({ requestedAt: '2026-11-25T02:00:00.000Z', receivedAt: null })]);
    // 2 h answered + the open one until 04:30 (150 min).
    expect(supplementWaitMinutes(d, new Date('2026-11-25T04:30:00.000Z'))).toBe(120 + 150);
  });
});

describe('procedure settings at publish', () => {
  it('accepts readable values and the absence of a setting, refuses the rest', async () => {
    const { checkProcedureSettings } = await import('../../src/dossiers/procedure-settings.js');
    expect(checkProcedureSettings({}, 'p')).toEqual([]);
    expect(
      checkProcedureSettings(
        { supplementMax: '2', supplementWindowWorkingDays: '3', supplementOverLimit: 'allow-with-reason', supplementAfterWindow: 'refuse', supplementLateInSla: 'false', apologyMax: '1', apologyLeadWorkingDays: '0' },
        'p',
      ),
    ).toEqual([]);
    const problems = checkProcedureSettings({ supplementMax: '0', supplementWindowWorkingDays: 'ba ngày', supplementOverLimit: 'allow', supplementLateInSla: 'yes', apologyLeadWorkingDays: '-1' }, 'p');
    expect(problems.map((x) => x.message.split("'")[1])).toEqual(['supplementMax', 'supplementWindowWorkingDays', 'supplementOverLimit', 'supplementLateInSla', 'apologyLeadWorkingDays']);
    expect(problems.every((x) => x.code === 'INVALID_PROCEDURE_SETTING' && x.elementId === 'p')).toBe(true);
  });
});
