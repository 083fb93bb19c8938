import { evaluate, unaryTest } from 'feelin';
import { isInlineCost } from '../engine/feel-cost.js';
import { evaluateBoundedAs, ExpressionLimitError } from '../engine/feel-sandbox.js';

/*
 * Decision cells run under the budget the trust issue put on conditions: a cell whose
 * shape bounds its cost (feel-cost.ts) runs inline, any other in the capped thread
 * (feel-sandbox.ts). One evaluation of a table is further capped in cells and in wall
 * time, so a table of many slow-but-legal cells cannot hold a worker for minutes.
 */

export interface EvaluationBudget {
  /** Cells one evaluation (a decision and the decisions it requires) may evaluate. */
  maxCells: number;
  /** Wall time of one evaluation, all cells together. */
  maxMs: number;
}

export const DEFAULT_EVALUATION_BUDGET: EvaluationBudget = { maxCells: 50_000, maxMs: 2_000 };

export class DecisionEvaluationError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'DecisionEvaluationError';
  }
}

/** A counter shared by every cell of one evaluation. */
export class CellMeter {
  private cells = 0;
  private readonly startedAt = performance.now();
  constructor(private readonly budget: EvaluationBudget) {}

  tick(): void {
    this.cells += 1;
    if (this.cells > this.budget.maxCells) {
      throw new ExpressionLimitError(`the decision evaluated more than ${this.budget.maxCells} cells / bảng quyết định vượt số ô cho phép`);
    }
    if (performance.now() - this.startedAt > this.budget.maxMs) {
      throw new ExpressionLimitError(`the decision ran longer than ${this.budget.maxMs} ms / bảng quyết định chạy quá thời gian cho phép`);
    }
  }
}

/** Plain JSON of a FEEL value: dates and durations become their ISO text. */
function plain(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  return JSON.parse(
    JSON.stringify(value, (_key, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype ? String(v) : v,
    ),
  ) as unknown;
}

function failure(what: string, source: string, error: unknown): never {
  if (error instanceof ExpressionLimitError) throw error;
  const detail = error instanceof Error ? error.message : String(error);
  throw new DecisionEvaluationError('DECISION_EVALUATION_FAILED', `${what} "${source.slice(0, 80)}" failed: ${detail} / không tính được ${what}`);
}

/** A FEEL expression (input expression, output entry) to plain data. */
export function evaluateValue(source: string, variables: Record<string, unknown>, meter: CellMeter): unknown {
  meter.tick();
  if (source === '') return null;
  try {
    if (!isInlineCost(source)) return evaluateBoundedAs('value', source, variables);
    return plain(evaluate(source, variables).value);
  } catch (error) {
    return failure('the expression', source, error);
  }
}

/** A rule's input entry against the input value: true only for FEEL true. */
export function matches(source: string, input: unknown, variables: Record<string, unknown>, meter: CellMeter): boolean {
  if (source === '-') return true;
  meter.tick();
  const context = { ...variables, '?': input };
  try {
    if (!isInlineCost(source, 'unaryTests')) return evaluateBoundedAs('unary', source, context) === true;
    return unaryTest(source, context).value === true;
  } catch (error) {
    return failure('the input entry', source, error);
  }
}
