import type { ModdleElement, ParseResult, ParseWarning } from 'bpmn-moddle';
import { createModdle } from '../moddle.js';
import type { Problem } from './index.js';
import { fromXmlCapped } from './warning-cap.js';

/*
 * The prescan (prescan.ts) has bounded the elements, attributes and nesting, and refused
 * what the parser would only warn about at a cost; the warning cap bounds the rest. So the
 * parse costs the same on an idle and on a saturated machine, and no clock decides.
 */
export const MAX_REPORTED_WARNINGS = 200;
/** Costly warnings (unplaceable elements, stray text) after which the parser stops reporting. */
export const MAX_COSTLY_WARNINGS = 100;

export type ParseOutcome =
  | { kind: 'parsed'; result: ParseResult; problems: Problem[] }
  | { kind: 'rejected'; problems: Problem[] };

export async function parseDiagram(xml: string): Promise<ParseOutcome> {
  let result: ParseResult;
  let skipped = 0;
  try {
    ({ result, skipped } = await fromXmlCapped(createModdle(), xml, MAX_COSTLY_WARNINGS));
  } catch (error) {
    return reject('XML_MALFORMED', malformedMessage(error instanceof Error ? error.message : String(error)));
  }
  if (!result || typeof result !== 'object' || !result.rootElement) {
    return reject('XML_MALFORMED', 'the document is not a BPMN 2.0 <definitions> document');
  }
  const lines = new LineIndex(xml);
  const warnings = Array.isArray(result.warnings) ? result.warnings.slice(0, MAX_REPORTED_WARNINGS) : [];
  const problems = warnings.map((w: ParseWarning) => warningProblem(String(w.message), idOf(w.element), xml, lines));
  if (skipped > 0) {
    problems.push({ code: 'MODDLE_WARNING', message: `${skipped} more unknown or misplaced elements were not reported one by one` });
  }
  return { kind: 'parsed', result, problems };
}

function reject(code: string, message: string): ParseOutcome {
  return { kind: 'rejected', problems: [{ code, message }] };
}

function malformedMessage(raw: string): string {
  return `the document is not well-formed BPMN 2.0 XML: ${humanize(raw)}`;
}

/** The id of the element, or of its nearest ancestor that has one. */
export function idOf(element: ModdleElement | undefined): string | undefined {
  let current: ModdleElement | undefined = element;
  for (let hops = 0; current && hops < 100; hops += 1) {
    if (typeof current.id === 'string' && current.id !== '') return current.id;
    current = current.$parent;
  }
  return undefined;
}

const POSITION = /\n\s*line: (\d+)\n\s*column: (\d+)\n\s*nested error: ([^]*)$/;

function warningProblem(raw: string, elementId: string | undefined, xml: string, lines: LineIndex): Problem {
  const position = POSITION.exec(raw);
  if (!position) {
    const hint = raw.startsWith('unsupported document encoding') ? '; save the diagram as UTF-8' : '';
    return problem(`${raw}${hint}`, elementId);
  }
  const line = Number(position[1]);
  const column = Number(position[2]);
  const nested = (position[3] ?? '').trim();
  const head = raw.slice(0, position.index).trim();
  const id = elementId ?? idAt(xml, lines.offset(line, column)) ?? /duplicate ID <([^>]*)>/.exec(nested)?.[1];
  return problem(`${head} (line ${line + 1}, column ${column + 1}): ${nested}`, id);
}

function problem(message: string, elementId: string | undefined): Problem {
  const p: Problem = { code: 'MODDLE_WARNING', message: message.slice(0, 500) };
  if (elementId !== undefined) p.elementId = elementId;
  return p;
}

function humanize(raw: string): string {
  const position = POSITION.exec(raw);
  if (!position) return raw.slice(0, 500);
  const head = raw.slice(0, position.index).trim();
  return `${head} (line ${Number(position[1]) + 1}, column ${Number(position[2]) + 1}): ${(position[3] ?? '').trim()}`.slice(0, 500);
}

/** The id attribute of the tag that starts at `offset`, if any. */
function idAt(xml: string, offset: number | undefined): string | undefined {
  if (offset === undefined || xml.charCodeAt(offset) !== 0x3c /* < */) return undefined;
  const end = xml.indexOf('>', offset);
  const tag = xml.slice(offset, end === -1 ? offset + 2000 : Math.min(end, offset + 2000));
  return /\sid\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(tag)?.slice(1).find((v) => v !== undefined);
}

/** Line starts as saxen counts them (\r\n, \r, \n), built once per document. */
class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly xml: string) {}

  offset(line: number, column: number): number | undefined {
    if (!this.starts) {
      const starts = [0];
      const breaks = /\r\n|\r|\n/g;
      for (let m = breaks.exec(this.xml); m; m = breaks.exec(this.xml)) starts.push(m.index + m[0].length);
      this.starts = starts;
    }
    const start = this.starts[line];
    return start === undefined ? undefined : start + column;
  }
}
