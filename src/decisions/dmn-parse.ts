import { DmnModdle } from 'dmn-moddle';
import { scanXml } from '../engine/validation/prescan.js';
import { HIT_POLICIES, type DecisionInput, type DecisionOutput, type DecisionProblem, type DecisionTable, type HitPolicy } from './types.js';

/*
 * A .dmn file (DMN 1.3, as Camunda Modeler and bpmn.io save it) read with dmn-moddle into
 * the tables the runtime evaluates. The same prescan as for diagrams runs first (no
 * DOCTYPE, bounded elements and nesting), so a hostile file costs a bounded parse.
 */

export const DMN_LIMITS = {
  maxBytes: 2 * 1024 * 1024,
  maxXmlElements: 60_000,
  maxDepth: 64,
  maxAttributesPerElement: 64,
  maxAttributes: 250_000,
};

export const DMN_13_NAMESPACE = 'https://www.omg.org/spec/DMN/20191111/MODEL/';

interface Loose {
  $type?: string;
  id?: string;
  name?: string;
  label?: string;
  text?: string;
  typeRef?: string;
  href?: string;
  [key: string]: unknown;
}

const list = (value: unknown): Loose[] => (Array.isArray(value) ? (value as Loose[]) : []);
const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

export interface ParsedDmn {
  name: string;
  tables: DecisionTable[];
  problems: DecisionProblem[];
}

const bilingual = (en: string, vi: string): string => `${en} / ${vi}`;

export async function parseDmn(xml: string): Promise<ParsedDmn> {
  const failed = (code: string, message: string): ParsedDmn => ({ name: '', tables: [], problems: [{ code, message }] });
  if (typeof xml !== 'string' || xml.trim() === '') {
    return failed('DMN_MALFORMED', bilingual('the body holds no DMN XML', 'nội dung gửi lên không có tệp DMN'));
  }
  const bytes = Buffer.byteLength(xml, 'utf8');
  if (bytes > DMN_LIMITS.maxBytes) {
    return failed('DMN_TOO_LARGE', bilingual(`the file is ${bytes} bytes; at most ${DMN_LIMITS.maxBytes}`, `tệp DMN vượt ${DMN_LIMITS.maxBytes} byte`));
  }
  const scan = scanXml(xml, DMN_LIMITS);
  if (scan.kind === 'refused') {
    return failed(scan.code === 'XML_MALFORMED' ? 'DMN_MALFORMED' : scan.code, bilingual(scan.message, 'tệp DMN không hợp lệ hoặc vượt giới hạn'));
  }
  if (!xml.includes(DMN_13_NAMESPACE)) {
    return failed(
      'DMN_VERSION_UNSUPPORTED',
      bilingual(
        `only DMN 1.3 files are read (namespace ${DMN_13_NAMESPACE}); save the table again with a current Camunda Modeler`,
        'chỉ nhận tệp DMN 1.3; hãy lưu lại bảng quyết định bằng Camunda Modeler phiên bản mới',
      ),
    );
  }
  let root: Loose;
  let warnings: { message?: string }[] = [];
  try {
    const result = (await new DmnModdle().fromXML(xml, 'dmn:Definitions')) as { rootElement: Loose; warnings: { message?: string }[] };
    root = result.rootElement;
    warnings = result.warnings ?? [];
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0]?.slice(0, 200) ?? '';
    return failed('DMN_MALFORMED', bilingual(`the file is not well-formed DMN 1.3: ${detail}`, 'tệp không đúng định dạng DMN 1.3'));
  }
  const problems: DecisionProblem[] = warnings.slice(0, 50).map((w) => ({
    code: 'DMN_MALFORMED',
    message: bilingual(`the DMN parser reports: ${String(w.message ?? '').split('\n')[0]?.slice(0, 200)}`, 'tệp DMN có phần tử không hợp lệ'),
  }));
  const tables: DecisionTable[] = [];
  const decisionIds = new Set(list(root.drgElement).filter((e) => e.$type === 'dmn:Decision').map((e) => text(e.id)));
  for (const element of list(root.drgElement)) {
    if (element.$type !== 'dmn:Decision') continue;
    const table = readDecision(element, decisionIds, problems);
    if (table) tables.push(table);
  }
  if (tables.length === 0 && problems.length === 0) {
    problems.push({ code: 'NO_DECISION', message: bilingual('the file holds no decision table', 'tệp không có bảng quyết định nào') });
  }
  return { name: text(root.name) || text(root.id), tables, problems };
}

function readDecision(element: Loose, decisionIds: Set<string>, problems: DecisionProblem[]): DecisionTable | undefined {
  const id = text(element.id);
  const report = (code: string, message: string, elementId = id) => problems.push({ code, message, elementId });
  if (!id) {
    report('DMN_MALFORMED', bilingual('a decision has no id', 'có quyết định không có mã (id)'));
    return undefined;
  }
  const logic = element.decisionLogic as Loose | undefined;
  if (!logic || logic.$type !== 'dmn:DecisionTable') {
    report(
      'DECISION_KIND_UNSUPPORTED',
      bilingual(
        `decision "${id}" is ${logic ? `a ${String(logic.$type).replace('dmn:', '')}` : 'empty'}; only decision tables run here`,
        `quyết định "${id}" không phải bảng quyết định; chỉ hỗ trợ bảng quyết định`,
      ),
    );
    return undefined;
  }
  const requires: string[] = [];
  for (const requirement of list(element.informationRequirement)) {
    const href = text((requirement.requiredDecision as Loose | undefined)?.href);
    if (!href) continue;
    const target = href.startsWith('#') ? href.slice(1) : href;
    if (!decisionIds.has(target)) {
      report(
        'DECISION_NOT_FOUND',
        bilingual(`decision "${id}" requires decision "${target}", which is not in this file`, `quyết định "${id}" cần quyết định "${target}" không có trong tệp`),
      );
    } else {
      requires.push(target);
    }
  }
  const rawPolicy = text(logic.hitPolicy) || 'UNIQUE';
  const hitPolicy = rawPolicy.toUpperCase().replace(/_/g, ' ');
  if (!(HIT_POLICIES as readonly string[]).includes(hitPolicy)) {
    report(
      'UNKNOWN_HIT_POLICY',
      bilingual(`hit policy "${rawPolicy}" of "${id}" is not one of ${HIT_POLICIES.join(', ')}`, `chính sách chọn dòng "${rawPolicy}" không được hỗ trợ`),
    );
  }
  const inputs: DecisionInput[] = list(logic.input).map((input, index) => {
    const expression = input.inputExpression as Loose | undefined;
    const entry: DecisionInput = { id: text(input.id) || `input${index + 1}`, label: text(input.label), expression: text(expression?.text) };
    const typeRef = text(expression?.typeRef);
    if (typeRef) entry.typeRef = typeRef;
    return entry;
  });
  const outputs: DecisionOutput[] = list(logic.output).map((output, index) => {
    const outputId = text(output.id) || `output${index + 1}`;
    const entry: DecisionOutput = { id: outputId, name: text(output.name) || outputId, label: text(output.label) };
    const typeRef = text(output.typeRef);
    if (typeRef) entry.typeRef = typeRef;
    const values = text((output.outputValues as Loose | undefined)?.text);
    if (values) entry.values = splitTopLevel(values);
    return entry;
  });
  const rules = list(logic.rule).map((rule, index) => {
    const entry = {
      id: text(rule.id) || `rule${index + 1}`,
      inputEntries: list(rule.inputEntry).map((cell) => text(cell.text) || '-'),
      outputEntries: list(rule.outputEntry).map((cell) => text(cell.text)),
    } as DecisionTable['rules'][number];
    const description = text(rule.description);
    if (description) entry.description = description;
    return entry;
  });
  const table: DecisionTable = { id, name: text(element.name) || id, hitPolicy: hitPolicy as HitPolicy, inputs, outputs, rules, requires };
  const aggregation = text(logic.aggregation);
  if (aggregation) table.aggregation = aggregation.toUpperCase() as DecisionTable['aggregation'] & string;
  return table;
}

/** `"a","b", [1..2]` → its comma-separated parts, commas inside strings, brackets and parentheses kept. */
export function splitTopLevel(source: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let inString = false;
  let start = 0;
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i];
    if (inString) {
      if (char === '\\') i += 1;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === '(' || char === '[') depth += 1;
    else if ((char === ')' || char === ']') && depth > 0) depth -= 1;
    else if (char === ',' && depth === 0) {
      parts.push(source.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(source.slice(start).trim());
  return parts.filter((p) => p !== '');
}
