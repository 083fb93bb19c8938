import { CellMeter, DEFAULT_EVALUATION_BUDGET, DecisionEvaluationError, evaluateValue, matches, type EvaluationBudget } from './feel-bounded.js';
import type { DecisionTable, RuleResult } from './types.js';

/*
 * DMN 1.3 decision-table semantics: input expressions are evaluated once, each rule matches
 * when every input entry (unary tests against `?` = the input value) is true, and the hit
 * policy picks among the matched rules. Values are converted to the column's typeRef.
 */

export interface DecisionOutcome {
  decisionId: string;
  /** Ids of the rules whose results are in `results`, in order. */
  matchedRules: string[];
  /** One entry per selected rule (outputs by name); with an aggregation, one entry holding it. */
  results: RuleResult[];
  /** Single-hit or aggregated: at most one result; multi-hit: a list. */
  multiple: boolean;
}

const bilingual = (en: string, vi: string): string => `${en} / ${vi}`;

function mismatch(where: string, typeRef: string, value: unknown): never {
  throw new DecisionEvaluationError(
    'DECISION_TYPE_MISMATCH',
    bilingual(`${where} is typed ${typeRef} but the value is ${JSON.stringify(value)?.slice(0, 60)}`, `${where} phải có kiểu ${typeRef}`),
  );
}

/** Lossless conversions only (form data arrives as text): "3" → 3 for number, 3 → "3" for string. */
export function convert(value: unknown, typeRef: string | undefined, where: string): unknown {
  if (value === null || value === undefined || !typeRef || typeRef === 'Any') return value ?? null;
  switch (typeRef) {
    case 'number':
    case 'double':
    case 'integer':
    case 'long': {
      const number = typeof value === 'number' ? value : typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value) ? Number(value) : NaN;
      if (!Number.isFinite(number) || (typeRef !== 'number' && typeRef !== 'double' && !Number.isInteger(number))) return mismatch(where, typeRef, value);
      return number;
    }
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'number' || typeof value === 'boolean') return String(value);
      return mismatch(where, typeRef, value);
    case 'boolean':
      if (typeof value === 'boolean') return value;
      if (value === 'true' || value === 'false') return value === 'true';
      return mismatch(where, typeRef, value);
    default:
      // date, dateTime, time, duration: ISO text (FEEL temporals come back as their ISO text).
      if (typeof value === 'string') return value;
      return mismatch(where, typeRef, value);
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Evaluates `decisionId` from `tables` (one published file) against `variables`. Decisions it
 * requires are evaluated first and visible to it under their id.
 */
export function evaluateDecision(
  tables: readonly DecisionTable[],
  decisionId: string,
  variables: Record<string, unknown>,
  budget: EvaluationBudget = DEFAULT_EVALUATION_BUDGET,
): DecisionOutcome {
  const byId = new Map(tables.map((t) => [t.id, t] as const));
  const meter = new CellMeter(budget);
  const done = new Map<string, DecisionOutcome>();
  const run = (id: string, depth: number): DecisionOutcome => {
    const known = done.get(id);
    if (known) return known;
    const table = byId.get(id);
    if (!table || depth > 50) {
      throw new DecisionEvaluationError('DECISION_NOT_FOUND', bilingual(`decision "${id}" is not in the published file`, `không tìm thấy quyết định "${id}"`));
    }
    let context = variables;
    if (table.requires.length > 0) {
      context = { ...variables };
      for (const required of table.requires) context[required] = feelResult(run(required, depth + 1));
    }
    const outcome = evaluateTable(table, context, meter);
    done.set(id, outcome);
    return outcome;
  };
  return run(decisionId, 0);
}

function evaluateTable(table: DecisionTable, variables: Record<string, unknown>, meter: CellMeter): DecisionOutcome {
  const where = (what: string) => `decision "${table.id}", ${what}`;
  const inputs = table.inputs.map((input) =>
    convert(evaluateValue(input.expression, variables, meter), input.typeRef, where(`input "${input.label || input.id}"`)),
  );
  const matched = table.rules.filter((rule) => rule.inputEntries.every((entry, index) => matches(entry, inputs[index], variables, meter)));
  const outputsOf = (rule: (typeof matched)[number]): RuleResult => {
    const result: RuleResult = {};
    table.outputs.forEach((output, index) => {
      const value = evaluateValue(rule.outputEntries[index] ?? '', variables, meter);
      result[output.name] = convert(value, output.typeRef, where(`rule "${rule.id}", output "${output.name}"`));
    });
    return result;
  };
  const single = (rules: typeof matched): DecisionOutcome => ({
    decisionId: table.id,
    matchedRules: rules.map((r) => r.id),
    results: rules.map(outputsOf),
    multiple: false,
  });

  switch (table.hitPolicy) {
    case 'UNIQUE':
      if (matched.length > 1) {
        throw new DecisionEvaluationError(
          'DECISION_UNIQUE_VIOLATED',
          bilingual(
            `decision "${table.id}" has hit policy UNIQUE but rules ${matched.map((r) => `"${r.id}"`).join(', ')} all match`,
            `bảng "${table.id}" (UNIQUE) có nhiều dòng cùng khớp`,
          ),
        );
      }
      return single(matched);
    case 'FIRST':
      return single(matched.slice(0, 1));
    case 'ANY': {
      const results = matched.map(outputsOf);
      if (results.some((r) => !sameValue(r, results[0]))) {
        throw new DecisionEvaluationError(
          'DECISION_ANY_CONFLICT',
          bilingual(`decision "${table.id}" has hit policy ANY but the matching rules give different outputs`, `bảng "${table.id}" (ANY) có các dòng khớp cho kết quả khác nhau`),
        );
      }
      return { decisionId: table.id, matchedRules: matched.slice(0, 1).map((r) => r.id), results: results.slice(0, 1), multiple: false };
    }
    case 'PRIORITY':
    case 'OUTPUT ORDER': {
      const ranks = table.outputs.map((output) => (output.values ?? []).map((text) => JSON.stringify(evaluateValue(text, {}, meter))));
      const ranked = matched.map((rule) => {
        const result = outputsOf(rule);
        const rank = table.outputs.map((output, i) => {
          const at = (ranks[i] ?? []).indexOf(JSON.stringify(result[output.name]));
          return at === -1 ? Number.MAX_SAFE_INTEGER : at;
        });
        return { rule, result, rank };
      });
      ranked.sort((a, b) => {
        for (let i = 0; i < a.rank.length; i += 1) {
          const diff = (a.rank[i] ?? 0) - (b.rank[i] ?? 0);
          if (diff !== 0) return diff;
        }
        return 0; // stable: rule order breaks ties
      });
      const chosen = table.hitPolicy === 'PRIORITY' ? ranked.slice(0, 1) : ranked;
      return { decisionId: table.id, matchedRules: chosen.map((c) => c.rule.id), results: chosen.map((c) => c.result), multiple: table.hitPolicy !== 'PRIORITY' };
    }
    case 'RULE ORDER':
      return { ...single(matched), multiple: true };
    case 'COLLECT': {
      const results = matched.map(outputsOf);
      if (!table.aggregation) return { decisionId: table.id, matchedRules: matched.map((r) => r.id), results, multiple: true };
      const output = table.outputs[0];
      const name = output?.name ?? 'result';
      const values = results.map((r) => r[name]).filter((v) => v !== null && v !== undefined);
      return { decisionId: table.id, matchedRules: matched.map((r) => r.id), results: [{ [name]: aggregate(table, values) }], multiple: false };
    }
    default:
      throw new DecisionEvaluationError('UNKNOWN_HIT_POLICY', `decision "${table.id}": hit policy ${String(table.hitPolicy)} / chính sách không được hỗ trợ`);
  }
}

function aggregate(table: DecisionTable, values: unknown[]): unknown {
  if (table.aggregation === 'COUNT') return values.length;
  if (values.length === 0) return null;
  if (values.some((v) => typeof v !== 'number')) {
    throw new DecisionEvaluationError(
      'DECISION_AGGREGATION_FAILED',
      bilingual(`decision "${table.id}": ${table.aggregation ?? ''} needs numbers, the rules gave ${JSON.stringify(values).slice(0, 80)}`, `phép gộp ${table.aggregation ?? ''} cần giá trị số`),
    );
  }
  const numbers = values as number[];
  if (table.aggregation === 'SUM') return numbers.reduce((sum, n) => sum + n, 0);
  if (table.aggregation === 'MIN') return Math.min(...numbers);
  return Math.max(...numbers);
}

/** The decision's value as FEEL and Camunda 8 see it: a value, a context, or a list of them. */
export function feelResult(outcome: DecisionOutcome): unknown {
  const collapse = (r: RuleResult): unknown => {
    const keys = Object.keys(r);
    return keys.length === 1 ? r[keys[0] as string] : r;
  };
  if (outcome.multiple) return outcome.results.map(collapse);
  const first = outcome.results[0];
  return first === undefined ? null : collapse(first);
}
