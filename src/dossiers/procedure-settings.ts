/**
 * Publish-time check of the one-stop settings a procedure sets as process properties
 * (docs/forms.md): a typo must not silently turn a legal rule off, so a value the rules
 * cannot read refuses the diagram instead of falling back to the default.
 */
import {
  SUPPLEMENT_AFTER_WINDOW_PROPERTY,
  SUPPLEMENT_LATE_IN_SLA_PROPERTY,
  SUPPLEMENT_MAX_PROPERTY,
  SUPPLEMENT_OVER_LIMIT_PROPERTY,
  SUPPLEMENT_WINDOW_PROPERTY,
} from './supplement-rules.js';
import { APOLOGY_LEAD_PROPERTY, APOLOGY_MAX_PROPERTY } from './request-limits.js';

export interface SettingProblem {
  code: 'INVALID_PROCEDURE_SETTING';
  message: string;
  elementId: string;
}

type Check = { test: (v: string) => boolean; expected: string };

const positiveInteger: Check = { test: (v) => /^[1-9]\d{0,3}$/.test(v), expected: 'a whole number from 1 / số nguyên từ 1' };
const positiveNumber: Check = { test: (v) => /^\d{1,3}(\.\d+)?$/.test(v) && Number(v) > 0, expected: 'a number of working days above 0 / số ngày làm việc lớn hơn 0' };
const nonNegativeNumber: Check = { test: (v) => /^\d{1,3}(\.\d+)?$/.test(v), expected: 'a number of working days, 0 or more / số ngày làm việc từ 0' };
const policy: Check = { test: (v) => v === 'refuse' || v === 'allow-with-reason', expected: "'refuse' or 'allow-with-reason'" };
const flag: Check = { test: (v) => v === 'true' || v === 'false', expected: "'true' or 'false'" };

const SETTINGS: Record<string, Check> = {
  [SUPPLEMENT_MAX_PROPERTY]: positiveInteger,
  [SUPPLEMENT_WINDOW_PROPERTY]: positiveNumber,
  [SUPPLEMENT_OVER_LIMIT_PROPERTY]: policy,
  [SUPPLEMENT_AFTER_WINDOW_PROPERTY]: policy,
  [SUPPLEMENT_LATE_IN_SLA_PROPERTY]: flag,
  [APOLOGY_MAX_PROPERTY]: positiveInteger,
  [APOLOGY_LEAD_PROPERTY]: nonNegativeNumber,
};

/** Problems of the process's one-stop settings; none when they are absent or readable. */
export function checkProcedureSettings(properties: Record<string, string>, processId: string): SettingProblem[] {
  return Object.entries(SETTINGS).flatMap(([name, check]) => {
    const value = properties[name];
    if (value === undefined || check.test(value.trim())) return [];
    return [
      {
        code: 'INVALID_PROCEDURE_SETTING' as const,
        elementId: processId,
        message: `process property '${name}' = '${value.slice(0, 100)}' is not ${check.expected} (docs/forms.md)`,
      },
    ];
  });
}
