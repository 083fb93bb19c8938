import { zeebe } from '../engine/task-attributes.js';
import { DecisionEvaluationError } from './feel-bounded.js';
import { feelResult, type DecisionOutcome } from './evaluate.js';

/*
 * What a business rule task says about its decision, as Camunda 7 (camunda:decisionRef,
 * decisionRefBinding, decisionRefVersion, resultVariable, mapDecisionResult) and Camunda 8
 * (zeebe:calledDecision decisionId / resultVariable) write it, read into one shape for the
 * publish check and the runtime catalog.
 */

/** The service-task topic business rule tasks run under: the decision runner answers it, no plugin can take it. */
export const DECISION_TOPIC = 'dmn:decision';

export const MAP_DECISION_RESULTS = ['singleEntry', 'singleResult', 'collectEntries', 'resultList'] as const;
export type MapDecisionResult = (typeof MAP_DECISION_RESULTS)[number];

export interface DecisionTaskSpec {
  decisionRef: string;
  binding: 'latest' | 'version';
  version?: number;
  resultVariable: string;
  /** Camunda 7 mapping; 'feel' is Camunda 8's (a value, a context or a list of them). */
  mapResult: MapDecisionResult | 'feel';
  flavour: 'camunda7' | 'zeebe';
}

export interface DecisionTaskProblem {
  code: string;
  message: string;
}

interface Loose {
  [key: string]: unknown;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
const isExpression = (value: string): boolean => value.startsWith('=') || value.includes('${') || value.includes('#{');
const VARIABLE_NAME = /^[A-Za-z_\u00C0-\uFFFF][\w\u00C0-\uFFFF]*$/;

/** The spec, or the problems that keep the task from running (with advice in the modeler's words). */
export function readDecisionTask(element: unknown, zeebeMode: boolean): { spec?: DecisionTaskSpec; problems: DecisionTaskProblem[] } {
  const el = (element ?? {}) as Loose;
  const problems: DecisionTaskProblem[] = [];
  const problem = (code: string, en: string, vi: string) => problems.push({ code, message: `${en} / ${vi}` });
  const called = zeebe(el, 'calledDecision');
  const flavour: DecisionTaskSpec['flavour'] = called || (zeebeMode && !text(el.decisionRef)) ? 'zeebe' : 'camunda7';
  const decisionRef = text(called?.decisionId) ?? text(el.decisionRef);
  const resultVariable = text(called?.resultVariable) ?? text(el.resultVariable);

  if (!decisionRef) {
    problem(
      'MISSING_DECISION_REF',
      flavour === 'zeebe'
        ? 'the business rule task names no decision: in Camunda Modeler (Camunda 8) set Implementation → DMN decision and Called decision → Decision ID'
        : 'the business rule task names no decision: in Camunda Modeler set Implementation → DMN and Decision reference to the decision id',
      'tác vụ quy tắc nghiệp vụ chưa chỉ định bảng quyết định (Decision reference)',
    );
  } else if (isExpression(decisionRef)) {
    problem('MISSING_DECISION_REF', `decision reference "${decisionRef.slice(0, 60)}" is an expression; write the decision id`, 'mã bảng quyết định phải là giá trị cố định');
  }
  if (!resultVariable) {
    problem(
      'MISSING_RESULT_VARIABLE',
      flavour === 'zeebe'
        ? 'the business rule task keeps no result: set Called decision → Result variable'
        : 'the business rule task keeps no result: set Result variable (camunda:resultVariable)',
      'chưa đặt biến lưu kết quả (Result variable)',
    );
  } else if (!VARIABLE_NAME.test(resultVariable)) {
    problem('MISSING_RESULT_VARIABLE', `result variable "${resultVariable.slice(0, 60)}" is not a plain variable name`, 'tên biến kết quả không hợp lệ');
  }

  let binding: DecisionTaskSpec['binding'] = 'latest';
  let version: number | undefined;
  let mapResult: DecisionTaskSpec['mapResult'] = flavour === 'zeebe' ? 'feel' : 'resultList';
  if (flavour === 'camunda7') {
    const rawBinding = text(el.decisionRefBinding) ?? 'latest';
    if (rawBinding === 'version') {
      binding = 'version';
      const raw = text(el.decisionRefVersion);
      version = raw && /^\d+$/.test(raw) ? Number(raw) : undefined;
      if (!version) problem('INVALID_DECISION_BINDING', `binding "version" needs a version number (Version), got "${raw ?? ''}"`, 'ràng buộc theo phiên bản cần số phiên bản');
    } else if (rawBinding !== 'latest') {
      problem(
        'INVALID_DECISION_BINDING',
        `binding "${rawBinding}" is not supported; choose "latest" or "version" (decisions are published on their own, not per deployment)`,
        `kiểu ràng buộc "${rawBinding}" không được hỗ trợ; hãy chọn latest hoặc version`,
      );
    }
    const rawMap = text(el.mapDecisionResult) ?? 'resultList';
    if ((MAP_DECISION_RESULTS as readonly string[]).includes(rawMap)) mapResult = rawMap as MapDecisionResult;
    else problem('INVALID_MAP_DECISION_RESULT', `map decision result "${rawMap}" is not one of ${MAP_DECISION_RESULTS.join(', ')}`, 'cách ánh xạ kết quả không hợp lệ');
  }
  if (problems.length > 0 || !decisionRef || !resultVariable) return { problems };
  return { spec: { decisionRef, binding, ...(version ? { version } : {}), resultVariable, mapResult, flavour }, problems };
}

function notSingle(what: string, spec: DecisionTaskSpec): never {
  throw new DecisionEvaluationError(
    'DECISION_RESULT_NOT_SINGLE',
    `decision "${spec.decisionRef}" gave ${what}, which mapDecisionResult=${spec.mapResult} cannot hold; use resultList or collectEntries / kết quả không phù hợp cách ánh xạ ${spec.mapResult}`,
  );
}

/** The value written to the result variable. */
export function mapDecisionResult(outcome: DecisionOutcome, spec: DecisionTaskSpec): unknown {
  const { results } = outcome;
  switch (spec.mapResult) {
    case 'feel':
      return feelResult(outcome);
    case 'resultList':
      return results;
    case 'singleResult':
      if (results.length > 1) notSingle(`${results.length} results`, spec);
      return results[0] ?? null;
    case 'singleEntry': {
      if (results.length > 1) notSingle(`${results.length} results`, spec);
      const first = results[0];
      if (!first) return null;
      const keys = Object.keys(first);
      if (keys.length > 1) notSingle(`${keys.length} outputs`, spec);
      return first[keys[0] as string] ?? null;
    }
    case 'collectEntries':
      return results.map((r) => {
        const keys = Object.keys(r);
        if (keys.length > 1) notSingle(`${keys.length} outputs per rule`, spec);
        return r[keys[0] as string] ?? null;
      });
  }
}
