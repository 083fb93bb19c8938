import { parseUnaryTests } from 'feelin';
import { feelSyntaxError } from '../engine/validation/feel.js';
import { findOverlaps } from './overlap.js';
import { AGGREGATIONS, TYPE_REFS, type DecisionProblem, type DecisionTable } from './types.js';

/*
 * Publish-time checks of parsed decision tables: what the evaluator would trip on, refused
 * with a code before any case reaches it. FEEL is parsed, never evaluated, and held to the
 * rule conditions follow (no iteration, no user functions: cost linear in the case data).
 */

export const DECISION_LIMITS = {
  maxDecisionsPerFile: 50,
  maxRulesPerTable: 2000,
  maxColumnsPerTable: 50,
  maxCellCharacters: 1000,
  maxFeelCharacters: 200_000,
  /** Overlaps reported one by one; more are counted. */
  maxReportedOverlaps: 20,
};

const bilingual = (en: string, vi: string): string => `${en} / ${vi}`;

const REFUSED: Record<string, string> = {
  ForExpression: '"for ... return" iterations',
  QuantifiedExpression: '"some" / "every" iterations',
  FunctionDefinition: 'function definitions',
};

/** Undefined when `source` parses as FEEL unary tests within the bounded subset. */
export function unaryTestsError(source: string): string | undefined {
  if (source === '-') return undefined;
  if (source.length > DECISION_LIMITS.maxCellCharacters) return `the entry is ${source.length} characters long; at most ${DECISION_LIMITS.maxCellCharacters}`;
  let message: string | undefined;
  try {
    parseUnaryTests(source, {}, undefined).iterate({
      enter(ref) {
        if (message !== undefined) return false;
        if (ref.type.isError) message = `unrecognized or incomplete FEEL at character ${ref.from + 1}: "${source.slice(ref.from, ref.from + 40)}"`;
        const refused = REFUSED[ref.type.name];
        if (refused) message = `unbounded: ${refused} are not allowed (their cost has no bound)`;
        return message === undefined ? undefined : false;
      },
    });
  } catch (error) {
    message = `the FEEL parser failed: ${error instanceof Error ? error.message : String(error)}`;
  }
  return message;
}

function literalKind(source: string): 'string' | 'number' | 'boolean' | undefined {
  if (/^"(?:[^"\\]|\\.)*"$/.test(source)) return 'string';
  if (/^-?\d+(\.\d+)?$/.test(source)) return 'number';
  if (source === 'true' || source === 'false') return 'boolean';
  return undefined;
}

const NUMERIC = new Set(['number', 'integer', 'long', 'double']);

export function checkTables(tables: DecisionTable[]): DecisionProblem[] {
  const problems: DecisionProblem[] = [];
  if (tables.length > DECISION_LIMITS.maxDecisionsPerFile) {
    problems.push({
      code: 'TOO_MANY_DECISIONS',
      message: bilingual(`the file holds ${tables.length} decisions; at most ${DECISION_LIMITS.maxDecisionsPerFile}`, 'tệp có quá nhiều quyết định'),
    });
    return problems;
  }
  let feelCharacters = 0;
  const seen = new Set<string>();
  for (const table of tables) {
    const report = (code: string, en: string, vi: string, elementId = table.id) => problems.push({ code, message: bilingual(en, vi), elementId });
    if (seen.has(table.id)) report('DUPLICATE_DECISION', `decision id "${table.id}" appears twice`, `mã quyết định "${table.id}" bị trùng`);
    seen.add(table.id);
    const where = `decision "${table.id}"`;
    if (table.rules.length > DECISION_LIMITS.maxRulesPerTable) {
      report('TOO_MANY_RULES', `${where} has ${table.rules.length} rules; at most ${DECISION_LIMITS.maxRulesPerTable}`, `bảng "${table.id}" có quá nhiều dòng`);
      continue;
    }
    if (table.inputs.length > DECISION_LIMITS.maxColumnsPerTable || table.outputs.length > DECISION_LIMITS.maxColumnsPerTable) {
      report('TOO_MANY_COLUMNS', `${where} has more than ${DECISION_LIMITS.maxColumnsPerTable} inputs or outputs`, `bảng "${table.id}" có quá nhiều cột`);
      continue;
    }
    if (table.outputs.length === 0) report('NO_OUTPUT', `${where} has no output column`, `bảng "${table.id}" không có cột kết quả`);
    if (table.aggregation) {
      if (!(AGGREGATIONS as readonly string[]).includes(table.aggregation)) {
        report('UNKNOWN_AGGREGATION', `${where}: aggregation "${table.aggregation}" is not one of ${AGGREGATIONS.join(', ')}`, `phép gộp "${table.aggregation}" không được hỗ trợ`);
      } else if (table.hitPolicy !== 'COLLECT') {
        report('AGGREGATION_WITHOUT_COLLECT', `${where}: aggregation ${table.aggregation} needs hit policy COLLECT`, 'phép gộp chỉ dùng với chính sách COLLECT');
      } else if (table.outputs.length !== 1) {
        report('AGGREGATION_MULTIPLE_OUTPUTS', `${where}: aggregation ${table.aggregation} needs exactly one output column`, 'phép gộp cần đúng một cột kết quả');
      }
    }
    const names = new Set<string>();
    for (const output of table.outputs) {
      if (table.outputs.length > 1 && names.has(output.name)) {
        report('DUPLICATE_OUTPUT_NAME', `${where}: two outputs are named "${output.name}"`, `hai cột kết quả trùng tên "${output.name}"`, output.id);
      }
      names.add(output.name);
      if (output.typeRef && !(TYPE_REFS as readonly string[]).includes(output.typeRef)) {
        report('UNKNOWN_TYPE_REF', `${where}: output "${output.name}" has type "${output.typeRef}"; use one of ${TYPE_REFS.join(', ')}`, `kiểu dữ liệu "${output.typeRef}" không được hỗ trợ`, output.id);
      }
      if ((table.hitPolicy === 'PRIORITY' || table.hitPolicy === 'OUTPUT ORDER') && !output.values?.length) {
        report(
          'PRIORITY_WITHOUT_VALUES',
          `${where}: hit policy ${table.hitPolicy} ranks rules by the output values of "${output.name}"; list them (Output values) highest priority first`,
          `chính sách ${table.hitPolicy} cần danh sách giá trị kết quả theo thứ tự ưu tiên`,
          output.id,
        );
      }
    }
    for (const input of table.inputs) {
      if (input.typeRef && !(TYPE_REFS as readonly string[]).includes(input.typeRef)) {
        report('UNKNOWN_TYPE_REF', `${where}: input "${input.label || input.id}" has type "${input.typeRef}"`, `kiểu dữ liệu "${input.typeRef}" không được hỗ trợ`, input.id);
      }
      feelCharacters += input.expression.length;
      const error = input.expression === '' ? 'the input expression is empty' : feelSyntaxError(input.expression);
      if (error) report(error.startsWith('unbounded') ? 'UNBOUNDED_EXPRESSION' : 'INVALID_FEEL', `${where}, input "${input.label || input.id}": ${error}`, 'biểu thức đầu vào không hợp lệ', input.id);
    }
    for (const rule of table.rules) {
      if (rule.inputEntries.length !== table.inputs.length || rule.outputEntries.length !== table.outputs.length) {
        report('RULE_SHAPE', `${where}, rule "${rule.id}": it has ${rule.inputEntries.length} input and ${rule.outputEntries.length} output cells for ${table.inputs.length} and ${table.outputs.length} columns`, 'số ô của dòng không khớp số cột', rule.id);
        continue;
      }
      rule.inputEntries.forEach((cell, index) => {
        feelCharacters += cell.length;
        const error = unaryTestsError(cell);
        if (error) report(error.startsWith('unbounded') ? 'UNBOUNDED_EXPRESSION' : 'INVALID_FEEL', `${where}, rule "${rule.id}", input ${index + 1} "${cell.slice(0, 60)}": ${error}`, 'điều kiện trong ô không hợp lệ', rule.id);
      });
      rule.outputEntries.forEach((cell, index) => {
        feelCharacters += cell.length;
        const output = table.outputs[index];
        if (cell === '' || !output) return;
        const error = cell.length > DECISION_LIMITS.maxCellCharacters ? `the entry is longer than ${DECISION_LIMITS.maxCellCharacters} characters` : feelSyntaxError(cell);
        if (error) {
          report(error.startsWith('unbounded') ? 'UNBOUNDED_EXPRESSION' : 'INVALID_FEEL', `${where}, rule "${rule.id}", output "${output.name}": ${error}`, 'giá trị kết quả không hợp lệ', rule.id);
          return;
        }
        const kind = literalKind(cell);
        const typeRef = output.typeRef;
        if (kind && typeRef && typeRef !== 'Any' && !(kind === 'number' ? NUMERIC.has(typeRef) : kind === typeRef)) {
          report('OUTPUT_TYPE_MISMATCH', `${where}, rule "${rule.id}": output "${output.name}" is typed ${typeRef} but the rule gives the ${kind} ${cell.slice(0, 40)}`, `giá trị kết quả không đúng kiểu ${typeRef}`, rule.id);
        }
        if (kind && output.values?.length && !output.values.includes(cell)) {
          report('OUTPUT_VALUE_UNLISTED', `${where}, rule "${rule.id}": ${cell.slice(0, 40)} is not among the output values of "${output.name}" (${output.values.join(', ')})`, 'giá trị kết quả không có trong danh sách cho phép', rule.id);
        }
      });
    }
    if (table.hitPolicy === 'UNIQUE' && !problems.some((p) => p.elementId === table.id || table.rules.some((r) => r.id === p.elementId))) {
      const { pairs, total } = findOverlaps(table, DECISION_LIMITS.maxReportedOverlaps);
      for (const [a, b] of pairs) {
        report(
          'OVERLAPPING_RULES',
          `${where} has hit policy UNIQUE but rules "${a}" and "${b}" can both match the same inputs; make their conditions exclusive or choose FIRST / PRIORITY / COLLECT`,
          `bảng dùng chính sách UNIQUE nhưng dòng "${a}" và "${b}" có thể cùng khớp; hãy sửa điều kiện cho loại trừ nhau hoặc chọn FIRST / PRIORITY / COLLECT`,
          b,
        );
      }
      if (total > pairs.length) {
        report('OVERLAPPING_RULES', `${where}: ${total - pairs.length} more overlapping pairs of rules`, `còn ${total - pairs.length} cặp dòng chồng lấn khác`);
      }
    }
  }
  if (feelCharacters > DECISION_LIMITS.maxFeelCharacters) {
    problems.push({ code: 'FEEL_TOO_LARGE', message: bilingual(`the tables hold ${feelCharacters} characters of FEEL; at most ${DECISION_LIMITS.maxFeelCharacters}`, 'bảng quyết định quá lớn') });
  }
  const cycle = findCycle(tables);
  if (cycle) problems.push({ code: 'DECISION_CYCLE', message: bilingual(`decisions require each other in a cycle: ${cycle.join(' → ')}`, 'các quyết định phụ thuộc vòng tròn'), elementId: cycle[0] as string });
  return problems;
}

function findCycle(tables: DecisionTable[]): string[] | undefined {
  const byId = new Map(tables.map((t) => [t.id, t] as const));
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string, path: string[]): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'open') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'open');
    for (const next of byId.get(id)?.requires ?? []) {
      const found = visit(next, [...path, id]);
      if (found) return found;
    }
    state.set(id, 'done');
    return undefined;
  };
  for (const table of tables) {
    const found = visit(table.id, []);
    if (found) return found;
  }
  return undefined;
}
